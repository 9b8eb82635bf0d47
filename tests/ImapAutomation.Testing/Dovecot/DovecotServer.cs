using System.Globalization;
using System.Runtime.InteropServices;

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
    private ExternalProcess? _dovecot;
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
        if (!OperatingSystem.IsWindows())
        {
            // Dovecot's unprivileged login processes must reach the sockets under base_dir.
            File.SetUnixFileMode(folder, (UnixFileMode)Convert.ToInt32("755", 8));
        }

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
        if (!File.Exists("/usr/sbin/dovecot") && RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            throw new InvalidOperationException("Dovecot is not installed (/usr/sbin/dovecot). Run scripts/bootstrap.sh first.");
        }

        Certificate = _ca.Issue(kind);
        var configPath = Path.Combine(_folder, "dovecot.conf");
        await File.WriteAllTextAsync(configPath, BuildConfig(Certificate, withImaps)).ConfigureAwait(false);
        _dovecot = ExternalProcess.Start("dovecot", ["-F", "-c", configPath]);
        var timeout = TimeSpan.FromSeconds(30);
        await FreePort.WaitUntilListeningAsync(ImapPort, timeout, () => _dovecot.Output).ConfigureAwait(false);
        if (withImaps)
        {
            await FreePort.WaitUntilListeningAsync(ImapsPort, timeout, () => _dovecot.Output).ConfigureAwait(false);
        }
    }

    private string BuildConfig(IssuedCertificate certificate, bool withImaps)
    {
        var baseDir = Path.Combine(_folder, "run");
        var stateDir = Path.Combine(_folder, "state");
        var mailDir = Path.Combine(_folder, "mail");
        Directory.CreateDirectory(baseDir);
        Directory.CreateDirectory(stateDir);
        Directory.CreateDirectory(mailDir);
        var imapsPort = withImaps ? ImapsPort : 0;
        return string.Create(CultureInfo.InvariantCulture, $$"""
            # Written by ImapAutomation.Testing.Dovecot.DovecotServer; private to one test run.
            base_dir = {{baseDir}}
            state_dir = {{stateDir}}
            protocols = imap
            listen = 127.0.0.1
            ssl = yes
            ssl_cert = <{{certificate.CertificatePath}}
            ssl_key = <{{certificate.KeyPath}}
            default_login_user = dovenull
            default_internal_user = dovecot
            log_path = /dev/stderr
            auth_mechanisms = plain
            disable_plaintext_auth = yes
            mail_location = maildir:{{mailDir}}/%u
            passdb {
              driver = static
              args = user={{TestUser}} password={{TestPassword}}
            }
            userdb {
              driver = static
              args = uid=dovecot gid=dovecot home={{mailDir}}/%u
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{ImapPort}}
              }
              inet_listener imaps {
                address = 127.0.0.1
                port = {{imapsPort}}
                ssl = yes
              }
            }

            """);
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
