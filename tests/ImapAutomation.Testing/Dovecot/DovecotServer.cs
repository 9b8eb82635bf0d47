using ImapAutomation.LocalParts.Imap;

namespace ImapAutomation.Testing.Dovecot;

/// <summary>What listens on a <see cref="DovecotServer"/>'s ports right now.</summary>
public enum ImapEndpointMode
{
    /// <summary>Real Dovecot: IMAPS on <see cref="DovecotServer.ImapsPort"/>, IMAP with STARTTLS on <see cref="DovecotServer.ImapPort"/>.</summary>
    Dovecot,

    /// <summary>Real Dovecot with the IMAPS listener switched off: the TLS port refuses connections.</summary>
    DovecotWithoutImaps,

    /// <summary>A fake of Exchange with no IMAP certificate: the TLS port answers <c>* BYE Connection is closed. 14</c>.</summary>
    ExchangeWithoutCertificate,

    /// <summary>Nothing listens.</summary>
    Stopped,
}

/// <summary>
/// A private Dovecot 2.3 (<c>dovecot -F -c FILE</c>) on two free loopback ports, with its own base and state folders,
/// a test CA and certificates. Its ports stay the same across <see cref="UseAsync"/> calls, so a test can break the
/// endpoint, run a probe, fix it and probe again, as the demo does.
/// </summary>
public sealed class DovecotServer : IAsyncDisposable
{
    public const string TestUser = "voicemail";
    public const string TestPassword = "test-only-password";

    private readonly string _folder;
    private readonly TestCertificateAuthority _ca;
    private DovecotProcess? _dovecot;
    private ExchangeWithoutCertificateEndpoint? _fake;

    private DovecotServer(string folder)
    {
        _folder = folder;
        _ca = new TestCertificateAuthority(Path.Combine(folder, "certs"));
        ImapsPort = FreePort.Next();
        ImapPort = FreePort.Next();
    }

    public int ImapsPort { get; }

    public int ImapPort { get; }

    /// <summary>The test CA (PEM) that issued every certificate except <see cref="TestCertificateKind.SelfSigned"/>.</summary>
    public string CaCertificatePath => _ca.CaCertificatePath;

    public ImapEndpointMode Mode { get; private set; } = ImapEndpointMode.Stopped;

    /// <summary>The certificate Dovecot presents (when <see cref="Mode"/> is a Dovecot one).</summary>
    public IssuedCertificate? Certificate { get; private set; }

    /// <summary>Dovecot's log, for assertion messages.</summary>
    public string Log => _dovecot?.Output ?? "";

    public static async Task<DovecotServer> StartAsync(
        ImapEndpointMode mode = ImapEndpointMode.Dovecot, TestCertificateKind certificate = TestCertificateKind.Valid)
    {
        var folder = Directory.CreateTempSubdirectory("imapauto-dovecot-").FullName;
        var server = new DovecotServer(folder);
        try
        {
            await server.UseAsync(mode, certificate).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops whatever listens and starts <paramref name="mode"/> on the same ports (nothing to do when already so).</summary>
    public async Task UseAsync(ImapEndpointMode mode, TestCertificateKind certificate = TestCertificateKind.Valid)
    {
        var isDovecot = mode is ImapEndpointMode.Dovecot or ImapEndpointMode.DovecotWithoutImaps;
        if (Mode == mode && (!isDovecot || Certificate?.Kind == certificate))
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        switch (mode)
        {
            case ImapEndpointMode.Dovecot:
            case ImapEndpointMode.DovecotWithoutImaps:
                await StartDovecotAsync(certificate, withImaps: mode == ImapEndpointMode.Dovecot).ConfigureAwait(false);
                break;
            case ImapEndpointMode.ExchangeWithoutCertificate:
                _fake = ExchangeWithoutCertificateEndpoint.Start(ImapsPort);
                break;
            case ImapEndpointMode.Stopped:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown endpoint mode.");
        }

        Mode = mode;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _ca.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Dovecot may leave sockets owned by its own users; harmless too.
        }
    }

    private async Task StartDovecotAsync(TestCertificateKind kind, bool withImaps)
    {
        Certificate = _ca.Issue(kind);
        _dovecot = await DovecotProcess.StartAsync(
            new DovecotSettings(_folder, ImapPort, withImaps ? ImapsPort : 0, Certificate.CertificatePath, Certificate.KeyPath, TestUser, TestPassword),
            CancellationToken.None).ConfigureAwait(false);
    }

    private async Task StopAsync()
    {
        if (_dovecot is not null)
        {
            await _dovecot.DisposeAsync().ConfigureAwait(false);
            _dovecot = null;
        }

        if (_fake is not null)
        {
            await _fake.DisposeAsync().ConfigureAwait(false);
            _fake = null;
        }

        Mode = ImapEndpointMode.Stopped;
    }
}
