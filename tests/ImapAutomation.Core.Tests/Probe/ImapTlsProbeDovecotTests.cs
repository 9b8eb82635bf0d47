using ImapAutomation.Core.Probe;
using ImapAutomation.LocalParts.Imap;
using ImapAutomation.Testing.Dovecot;
using Microsoft.Extensions.Time.Testing;

namespace ImapAutomation.Core.Tests.Probe;

/// <summary>The probe against a real Dovecot in each set-up the issue names; the fixture switches modes between tests.</summary>
public sealed class ImapTlsProbeDovecotTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => dovecot.Server;

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    public async Task ProbeAsync_ValidCertificate_SucceedsAndReportsTheHandshake(string host)
    {
        await Server.UseAsync(ImapEndpointMode.Dovecot, TestCertificateKind.Valid);

        var result = await Probe(host, Server.ImapsPort);

        Assert.True(result.Succeeded, result.Message + Environment.NewLine + Server.Log);
        Assert.Equal(ImapTlsOutcome.Success, result.Outcome);
        Assert.StartsWith("Tls1", result.Protocol, StringComparison.Ordinal);
        Assert.StartsWith("TLS_", result.CipherSuite, StringComparison.Ordinal);
        Assert.StartsWith("* OK", result.Greeting, StringComparison.Ordinal);
        Assert.Contains("IMAP4rev1", result.Capabilities);
        var certificate = Assert.IsType<ImapTlsCertificateReport>(result.Certificate);
        Assert.Equal("CN=localhost", certificate.Subject);
        Assert.Equal("CN=ImapAutomation Test CA", certificate.Issuer);
        Assert.Contains("localhost", certificate.DnsNames);
        Assert.Contains("127.0.0.1", certificate.IpAddresses);
        Assert.Equal(Server.Certificate!.Thumbprint, certificate.Thumbprint);
        Assert.InRange(certificate.DaysRemaining, 85, 90);
        Assert.True(certificate.Trusted);
        Assert.True(certificate.HostNameMatches);
    }

    [Fact]
    public async Task ProbeAsync_WrongNameCertificate_ReportsNameMismatchWithTheNamesCovered()
    {
        await Server.UseAsync(ImapEndpointMode.Dovecot, TestCertificateKind.WrongName);

        var result = await Probe("localhost", Server.ImapsPort);

        Assert.Equal(ImapTlsOutcome.NameMismatch, result.Outcome);
        Assert.False(result.Certificate!.HostNameMatches);
        Assert.Equal(["wrong-name.example.test"], result.Certificate.DnsNames);
        Assert.Contains("wrong-name.example.test", result.Message, StringComparison.Ordinal);
        Assert.Contains("'localhost'", result.Message, StringComparison.Ordinal);
        // A client refuses such a server: nothing is read from it.
        Assert.Null(result.Greeting);
    }

    [Fact]
    public async Task ProbeAsync_ExpiredCertificate_ReportsExpiredWithTheDate()
    {
        await Server.UseAsync(ImapEndpointMode.Dovecot, TestCertificateKind.Expired);

        var result = await Probe("localhost", Server.ImapsPort);

        Assert.Equal(ImapTlsOutcome.Expired, result.Outcome);
        Assert.True(result.Certificate!.Trusted);
        Assert.InRange(result.Certificate.DaysRemaining, -11, -10);
        Assert.Contains("expired on", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_SelfSignedCertificate_ReportsUntrusted()
    {
        await Server.UseAsync(ImapEndpointMode.Dovecot, TestCertificateKind.SelfSigned);

        var result = await Probe("localhost", Server.ImapsPort);

        Assert.Equal(ImapTlsOutcome.Untrusted, result.Outcome);
        Assert.False(result.Certificate!.Trusted);
        Assert.False(string.IsNullOrWhiteSpace(result.Certificate.TrustDetail));
    }

    [Fact]
    public async Task ProbeAsync_TestCaWithSystemTrust_ReportsUntrusted()
    {
        await Server.UseAsync(ImapEndpointMode.Dovecot, TestCertificateKind.Valid);

        var result = await new ImapTlsProbe().ProbeAsync(
            new ImapTlsProbeOptions { Host = "localhost", Port = Server.ImapsPort, Trust = ImapTlsTrust.System }, CancellationToken.None);

        Assert.Equal(ImapTlsOutcome.Untrusted, result.Outcome);
    }

    [Fact]
    public async Task ProbeAsync_TlsPortClosed_ReportsRefused()
    {
        await Server.UseAsync(ImapEndpointMode.DovecotWithoutImaps, TestCertificateKind.Valid);

        var result = await Probe("127.0.0.1", Server.ImapsPort);

        Assert.Equal(ImapTlsOutcome.Refused, result.Outcome);
        Assert.Contains("refused", result.Message, StringComparison.Ordinal);
        Assert.Null(result.Certificate);
    }

    [Fact]
    public async Task ProbeAsync_StartTlsOnPlainPort_UpgradesAndSucceeds()
    {
        await Server.UseAsync(ImapEndpointMode.Dovecot, TestCertificateKind.Valid);

        var result = await Probe("localhost", Server.ImapPort, startTls: true);

        Assert.True(result.Succeeded, result.Message);
        Assert.True(result.StartTls);
        Assert.StartsWith("* OK", result.Greeting, StringComparison.Ordinal);
        // Dovecot offers LOGINDISABLED before TLS and AUTH=PLAIN after it: the capabilities are the TLS ones.
        Assert.Contains("AUTH=PLAIN", result.Capabilities);
        Assert.DoesNotContain("STARTTLS", result.Capabilities);
    }

    [Fact]
    public async Task ProbeAsync_StartTlsWithWrongName_ReportsNameMismatch()
    {
        await Server.UseAsync(ImapEndpointMode.Dovecot, TestCertificateKind.WrongName);

        var result = await Probe("localhost", Server.ImapPort, startTls: true);

        Assert.Equal(ImapTlsOutcome.NameMismatch, result.Outcome);
    }

    [Fact]
    public async Task ProbeAsync_ImplicitTlsOnPlainPort_SaysThePortSpeaksPlainText()
    {
        await Server.UseAsync(ImapEndpointMode.Dovecot, TestCertificateKind.Valid);

        var result = await Probe("localhost", Server.ImapPort);

        Assert.Equal(ImapTlsOutcome.HandshakeFailed, result.Outcome);
        Assert.Contains("plain text", result.Message, StringComparison.Ordinal);
        Assert.StartsWith("* OK", result.Greeting, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_ExchangeWithoutCertificate_ReportsNoSslCertificate()
    {
        await Server.UseAsync(ImapEndpointMode.ExchangeWithoutCertificate);

        var result = await Probe("localhost", Server.ImapsPort);

        Assert.Equal(ImapTlsOutcome.NoSslCertificate, result.Outcome);
        Assert.Equal(ExchangeWithoutCertificateEndpoint.Bye, result.Greeting);
        Assert.Contains("1102", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_FixedAfterBye14_FailsBeforeAndSucceedsAfterOnTheSamePort()
    {
        await Server.UseAsync(ImapEndpointMode.ExchangeWithoutCertificate);
        var before = await Probe("localhost", Server.ImapsPort);

        await Server.UseAsync(ImapEndpointMode.Dovecot, TestCertificateKind.Valid);
        var after = await Probe("localhost", Server.ImapsPort);

        Assert.Equal(ImapTlsOutcome.NoSslCertificate, before.Outcome);
        Assert.Equal(ImapTlsOutcome.Success, after.Outcome);
        Assert.Equal(before.Port, after.Port);
    }

    [Fact]
    public async Task ProbeAsync_PinnedThumbprint_TrustsOnlyThatCertificate()
    {
        await Server.UseAsync(ImapEndpointMode.Dovecot, TestCertificateKind.SelfSigned);
        var pinned = new ImapTlsProbeOptions
        {
            Host = "localhost", Port = Server.ImapsPort, Trust = ImapTlsTrust.PinnedThumbprint, PinnedThumbprints = { Server.Certificate!.Thumbprint },
        };
        var other = new ImapTlsProbeOptions
        {
            Host = "localhost", Port = Server.ImapsPort, Trust = ImapTlsTrust.PinnedThumbprint, PinnedThumbprints = { new string('A', 40) },
        };

        var trusted = await new ImapTlsProbe().ProbeAsync(pinned, CancellationToken.None);
        var untrusted = await new ImapTlsProbe().ProbeAsync(other, CancellationToken.None);

        Assert.Equal(ImapTlsOutcome.Success, trusted.Outcome);
        Assert.Equal(ImapTlsOutcome.Untrusted, untrusted.Outcome);
        Assert.Contains(Server.Certificate.Thumbprint, untrusted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_ClockPastNotAfter_JudgesExpiryByTheTimeProvider()
    {
        await Server.UseAsync(ImapEndpointMode.Dovecot, TestCertificateKind.Valid);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(120));

        var result = await new ImapTlsProbe(time).ProbeAsync(Options("localhost", Server.ImapsPort, startTls: false), CancellationToken.None);

        Assert.Equal(ImapTlsOutcome.Expired, result.Outcome);
        Assert.Equal(time.GetUtcNow(), result.CheckedAt);
    }

    private Task<ImapTlsProbeResult> Probe(string host, int port, bool startTls = false) =>
        new ImapTlsProbe().ProbeAsync(Options(host, port, startTls), CancellationToken.None);

    private ImapTlsProbeOptions Options(string host, int port, bool startTls) => new()
    {
        Host = host,
        Port = port,
        StartTls = startTls,
        Trust = ImapTlsTrust.PinnedCa,
        PinnedCaFile = Server.CaCertificatePath,
        Timeout = TimeSpan.FromSeconds(20),
    };
}
