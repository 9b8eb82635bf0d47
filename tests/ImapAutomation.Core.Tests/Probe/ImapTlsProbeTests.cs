using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using ImapAutomation.Core.Probe;
using ImapAutomation.Testing;
using ImapAutomation.Testing.Dovecot;

namespace ImapAutomation.Core.Tests.Probe;

public sealed class ImapTlsProbeTests
{
    [Fact]
    public async Task ProbeAsync_ServerThatNeverSpeaks_TimesOutNamingTheStage()
    {
        using var silent = new SilentEndpoint();

        var result = await new ImapTlsProbe().ProbeAsync(
            new ImapTlsProbeOptions { Host = "127.0.0.1", Port = silent.Port, Timeout = TimeSpan.FromSeconds(1) }, CancellationToken.None);

        Assert.Equal(ImapTlsOutcome.TimedOut, result.Outcome);
        Assert.Contains("TLS handshake", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_CallerCancels_Throws()
    {
        using var silent = new SilentEndpoint();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ImapTlsProbe().ProbeAsync(
            new ImapTlsProbeOptions { Host = "127.0.0.1", Port = silent.Port, Timeout = TimeSpan.FromSeconds(30) }, cts.Token));
    }

    [Fact]
    public async Task ProbeAsync_NothingListens_ReportsRefused()
    {
        var port = FreePort.Next();

        var result = await new ImapTlsProbe().ProbeAsync(new ImapTlsProbeOptions { Host = "127.0.0.1", Port = port }, CancellationToken.None);

        Assert.Equal(ImapTlsOutcome.Refused, result.Outcome);
        Assert.Equal(port, result.Port);
    }

    [Fact]
    public async Task ProbeAsync_UnresolvableHost_ReportsUnresolved()
    {
        var result = await new ImapTlsProbe().ProbeAsync(
            new ImapTlsProbeOptions { Host = "no-such-host.invalid", Timeout = TimeSpan.FromSeconds(10) }, CancellationToken.None);

        Assert.Contains(result.Outcome, new[] { ImapTlsOutcome.Unresolved, ImapTlsOutcome.NetworkError });
    }

    [Theory]
    [InlineData("", null, "Host")]
    [InlineData("ex01 ; rm", null, "not a host name")]
    [InlineData("ex01", 0, "Port")]
    [InlineData("ex01", 70000, "Port")]
    public void Validate_BadHostOrPort_ThrowsNamingTheSetting(string host, int? port, string expected)
    {
        var options = new ImapTlsProbeOptions { Host = host, Port = port };

        var error = Assert.Throws<ValidationException>(options.Validate);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PinnedCaWithoutFile_Throws()
    {
        var options = new ImapTlsProbeOptions { Host = "ex01", Trust = ImapTlsTrust.PinnedCa, PinnedCaFile = "/no/such/ca.pem" };

        var error = Assert.Throws<ValidationException>(options.Validate);

        Assert.Contains("/no/such/ca.pem", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MalformedThumbprintOrTimeout_Throws()
    {
        var options = new ImapTlsProbeOptions
        {
            Host = "ex01", Trust = ImapTlsTrust.PinnedThumbprint, PinnedThumbprints = { "xyz" }, Timeout = TimeSpan.Zero,
        };

        var error = Assert.Throws<ValidationException>(options.Validate);

        Assert.Contains("'xyz'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Timeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_InvalidOptions_ThrowsBeforeConnecting()
    {
        await Assert.ThrowsAsync<ValidationException>(() => new ImapTlsProbe().ProbeAsync(new ImapTlsProbeOptions(), CancellationToken.None));
    }

    [Theory]
    [InlineData(false, 993)]
    [InlineData(true, 143)]
    public void EffectivePort_NoPortGiven_FollowsTheMode(bool startTls, int expected)
    {
        Assert.Equal(expected, new ImapTlsProbeOptions { Host = "ex01", StartTls = startTls }.EffectivePort);
    }

    [Theory]
    [InlineData("* BYE Connection is closed. 14", true, 14)]
    [InlineData("* BYE Connection is closed. 10", true, 10)]
    [InlineData("* bye Server shutting down", true, null)]
    [InlineData("* OK ready", false, null)]
    public void TryParseBye_ExchangeAndOtherLines_ReadsTheReasonCode(string line, bool isBye, int? code)
    {
        Assert.Equal(isBye, ImapLine.TryParseBye(line, out _, out var parsed));
        Assert.Equal(code, parsed);
    }

    [Fact]
    public async Task ReadAsync_OverlongLine_ThrowsProtocolError()
    {
        using var stream = new MemoryStream(new byte[ImapLine.MaxBytes + 10]);

        await Assert.ThrowsAsync<ImapProtocolException>(() => ImapLine.ReadAsync(stream, CancellationToken.None));
    }

    [Fact]
    public void Serialize_Result_WritesCamelCaseAndOutcomeName()
    {
        var result = new ImapTlsProbeResult
        {
            Host = "ex01", Port = 993, StartTls = false, Outcome = ImapTlsOutcome.NoSslCertificate, Message = "m",
            CheckedAt = DateTimeOffset.UnixEpoch, ElapsedMilliseconds = 5,
        };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(result, ProbeJsonContext.Default.ImapTlsProbeResult));

        Assert.Equal("NoSslCertificate", json.RootElement.GetProperty("outcome").GetString());
        Assert.False(json.RootElement.GetProperty("succeeded").GetBoolean());
        Assert.False(json.RootElement.TryGetProperty("certificate", out _));
    }
}
