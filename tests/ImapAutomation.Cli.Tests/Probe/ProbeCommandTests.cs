using System.Text.Json;
using ImapAutomation.Cli.Probe;
using ImapAutomation.Testing;
using ImapAutomation.Testing.Dovecot;

namespace ImapAutomation.Cli.Tests.Probe;

public sealed class ProbeCommandTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    [Fact]
    public async Task RunAsync_HealthyDovecotWithPinnedCa_ExitsOkAndDescribesTheCertificate()
    {
        var (exit, stdout, _) = await Run("probe", $"localhost:{dovecot.Server.ImapsPort}", "--ca", dovecot.Server.CaCertificatePath);

        Assert.Equal(CliApp.Ok, exit);
        Assert.StartsWith("Success:", stdout, StringComparison.Ordinal);
        Assert.Contains("subject      CN=localhost", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_JsonOnClosedPort_ExitsProbeFailedWithRefused()
    {
        var (exit, stdout, _) = await Run("probe", $"127.0.0.1:{FreePort.Next()}", "--json");

        Assert.Equal(ProbeCommand.ProbeFailed, exit);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("Refused", json.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task RunAsync_StartTls_ProbesThePlainPort()
    {
        var (exit, stdout, _) = await Run(
            "probe", $"localhost:{dovecot.Server.ImapPort}", "--starttls", "--json", "--ca", dovecot.Server.CaCertificatePath);

        Assert.Equal(CliApp.Ok, exit);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("startTls").GetBoolean());
    }

    [Theory]
    [InlineData(new string[] { "probe" }, "HOST[:PORT] is missing")]
    [InlineData(new string[] { "probe", "ex01:99999" }, "port '99999'")]
    [InlineData(new string[] { "probe", "ex01", "--frob" }, "unknown option '--frob'")]
    [InlineData(new string[] { "probe", "ex01", "--timeout", "soon" }, "--timeout 'soon'")]
    [InlineData(new string[] { "probe", "ex01", "--ca" }, "--ca needs a value")]
    [InlineData(new string[] { "probe", "ex01", "ex02" }, "'ex02' is extra")]
    [InlineData(new string[] { "probe", "ex01", "--thumbprint", "nothex" }, "'nothex'")]
    public async Task RunAsync_BadArguments_ExitsWithUsageErrorSayingWhat(string[] args, string expected)
    {
        var (exit, stdout, stderr) = await Run(args);

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    [Theory]
    [InlineData("ex01", "ex01", null)]
    [InlineData("ex01.contoso.local:1993", "ex01.contoso.local", 1993)]
    [InlineData("[::1]:993", "::1", 993)]
    [InlineData("[::1]", "::1", null)]
    [InlineData("fe80::1", "fe80::1", null)]
    public void ParseTarget_HostAndPortForms_SplitsThem(string target, string host, int? port)
    {
        Assert.Equal((host, port), ProbeCommand.ParseTarget(target));
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
