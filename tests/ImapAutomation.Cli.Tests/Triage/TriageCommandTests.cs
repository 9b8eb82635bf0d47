using System.Text.Json;
using ImapAutomation.Testing;

namespace ImapAutomation.Cli.Tests.Triage;

public sealed class TriageCommandTests
{
    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(["triage", .. args], stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string Samples => RepoPaths.InRoot("samples");

    [Fact]
    public async Task Run_Samples_ReportsEveryKindAndExitsZero()
    {
        var (exit, stdout, stderr) = await RunAsync(Samples);

        Assert.Equal(CliApp.Ok, exit);
        Assert.Empty(stderr);
        foreach (var expected in new[]
        {
            "exch01.contoso.com  ImapCertificateBinding", "exch02.contoso.com  TlsHandshakeFailure", "exch03.contoso.com  ImapConnectionLimit",
            "exch04.contoso.com  ImapCertificateBinding", "exch05.contoso.com  TlsHandshakeFailure", "exch07.contoso.com  ImapProxyAuthFailure",
            "TLS alert 51 decrypt_error = SEC_E_DECRYPT_FAILURE, Schannel error state 900", "Resolved for 'EXCH05.contoso.com'",
            "Plan: Get-ImapDiagnostics -> Set-ImapCertificate -> Disable-ImapNtlm -> Restart-ImapServices -> Test-ImapTls",
        })
        {
            Assert.Contains(expected, stdout, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("README", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Json_HasTheContractShapeAndNothingElseOnStdout()
    {
        var (exit, stdout, stderr) = await RunAsync("--json", Samples);

        Assert.Equal(CliApp.Ok, exit);
        Assert.Empty(stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(["inputs", "incidents"], root.EnumerateObject().Select(p => p.Name));
        var input = root.GetProperty("inputs")[0];
        Assert.Equal(["path", "format", "events", "rejected", "errors"], input.EnumerateObject().Select(p => p.Name).Take(5));
        var incidents = root.GetProperty("incidents").EnumerateArray().ToList();
        Assert.Equal(6, incidents.Count);
        var exch01 = incidents.Single(i => i.GetProperty("server").GetString() == "exch01.contoso.com");
        Assert.Equal(
            ["server", "kind", "eventCount", "firstSeen", "lastSeen", "evidence", "plan"],
            exch01.EnumerateObject().Select(p => p.Name));
        Assert.Equal("ImapCertificateBinding", exch01.GetProperty("kind").GetString());
        Assert.Equal(25, exch01.GetProperty("eventCount").GetInt64());
        var schannel = exch01.GetProperty("evidence").EnumerateArray().Single(e => e.GetProperty("source").GetString() == "Schannel");
        Assert.Equal(
            ["source", "eventId", "count", "tlsAlert", "tlsAlertName", "errorState", "sspiError"],
            schannel.EnumerateObject().Select(p => p.Name));
        Assert.Equal((51, "decrypt_error", "900"), (schannel.GetProperty("tlsAlert").GetInt32(), schannel.GetProperty("tlsAlertName").GetString(), schannel.GetProperty("errorState").GetString()));
        Assert.Equal("Get-ImapDiagnostics", exch01.GetProperty("plan")[0].GetString());
    }

    [Fact]
    public async Task Run_SomeInputRejected_ExitsTwoAndStillReportsWhatItRead()
    {
        var dir = Directory.CreateTempSubdirectory("triage-");
        try
        {
            var good = await File.ReadAllTextAsync(Path.Combine(Samples, "events", "exch02-tls-handshake.xml"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "mixed.xml"), good.Replace("<Level>2</Level>", "<Level>2</Lvl>", StringComparison.Ordinal)[..^200] + "<Event>");
            await File.WriteAllBytesAsync(Path.Combine(dir.FullName, "garbage.bin"), [0, 1, 2, 3, 255, 254]);
            File.Copy(Path.Combine(Samples, "events", "exch01-certificate-binding.xml"), Path.Combine(dir.FullName, "ok.xml"));

            var (exit, stdout, _) = await RunAsync("--json", dir.FullName);

            Assert.Equal(2, exit);
            using var doc = JsonDocument.Parse(stdout);
            var inputs = doc.RootElement.GetProperty("inputs").EnumerateArray().ToDictionary(i => Path.GetFileName(i.GetProperty("path").GetString()!));
            Assert.Equal("unknown", inputs["garbage.bin"].GetProperty("format").GetString());
            Assert.Equal(1, inputs["garbage.bin"].GetProperty("rejected").GetInt64());
            Assert.True(inputs["mixed.xml"].GetProperty("rejected").GetInt64() > 0);
            Assert.StartsWith("line ", inputs["mixed.xml"].GetProperty("errors")[0].GetProperty("location").GetString(), StringComparison.Ordinal);
            Assert.Equal(0, inputs["ok.xml"].GetProperty("rejected").GetInt64());
            Assert.Contains(doc.RootElement.GetProperty("incidents").EnumerateArray(), i => i.GetProperty("server").GetString() == "exch01.contoso.com");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Run_RejectedInText_NamesFileAndLocation()
    {
        var file = Path.Combine(Path.GetTempPath(), $"triage-{Guid.NewGuid():N}.xml");
        await File.WriteAllTextAsync(file, "<Event><System></Event>\n");
        try
        {
            var (exit, stdout, _) = await RunAsync(file);

            Assert.Equal(2, exit);
            Assert.Contains($"rejected at {file}:line 1, column", stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Run_WindowOption_ChangesTheGrouping()
    {
        var file = Path.Combine(Samples, "log-analytics", "exch03-connection-limit.json");

        var (_, wide, _) = await RunAsync("--json", file);
        var (_, narrow, _) = await RunAsync("--json", "--window", "5m", file);

        Assert.Single(JsonDocument.Parse(wide).RootElement.GetProperty("incidents").EnumerateArray());
        Assert.Equal(4, JsonDocument.Parse(narrow).RootElement.GetProperty("incidents").GetArrayLength());
    }

    [Theory]
    [InlineData(new string[0], "give at least one file or folder")]
    [InlineData(new[] { "--window", "soon", "x" }, "--window needs a duration")]
    [InlineData(new[] { "--window" }, "--window needs a duration")]
    [InlineData(new[] { "--frobnicate", "x" }, "unknown option '--frobnicate'")]
    [InlineData(new[] { "/no/such/path" }, "no such file or folder: /no/such/path")]
    public async Task Run_UsageError_ExitsOneAndSaysWhy(string[] args, string message)
    {
        var (exit, stdout, stderr) = await RunAsync(args);

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Empty(stdout);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }
}
