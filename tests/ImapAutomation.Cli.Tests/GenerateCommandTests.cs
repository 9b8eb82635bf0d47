using System.Text.Json;

namespace ImapAutomation.Cli.Tests;

public sealed class GenerateCommandTests
{
    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Run_SameSeed_WritesTheSameStormAndTriageReadsAllOfIt()
    {
        var (exit, first, _) = await RunAsync("generate", "--events", "500", "--servers", "6", "--seed", "9");
        var (_, second, _) = await RunAsync("generate", "--events", "500", "--servers", "6", "--seed", "9");
        var (_, other, _) = await RunAsync("generate", "--events", "500", "--servers", "6", "--seed", "10");

        Assert.Equal(CliApp.Ok, exit);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        var file = Path.Combine(Path.GetTempPath(), $"storm-{Guid.NewGuid():N}.xml");
        await File.WriteAllTextAsync(file, first);
        try
        {
            var (triageExit, json, _) = await RunAsync("triage", "--json", file);

            Assert.Equal(CliApp.Ok, triageExit);
            using var doc = JsonDocument.Parse(json);
            Assert.Equal(500, doc.RootElement.GetProperty("inputs")[0].GetProperty("events").GetInt64());
            var kinds = doc.RootElement.GetProperty("incidents").EnumerateArray().Select(i => i.GetProperty("kind").GetString()).ToHashSet();
            Assert.True(kinds.SetEquals(["ImapCertificateBinding", "TlsHandshakeFailure", "ImapConnectionLimit"]), string.Join(",", kinds));
            Assert.All(doc.RootElement.GetProperty("incidents").EnumerateArray(), i => Assert.Equal(i.GetProperty("server").GetString()!.ToLowerInvariant(), i.GetProperty("server").GetString()));

            var (benchExit, bench, _) = await RunAsync("bench", "xmlreader", file);
            var (parseExit, parse, _) = await RunAsync("bench", "parse", file);
            Assert.Equal((CliApp.Ok, CliApp.Ok), (benchExit, parseExit));
            Assert.StartsWith("events=500 ", bench, StringComparison.Ordinal);
            Assert.StartsWith("events=500 ", parse, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("generate")]
    [InlineData("generate", "--events", "x")]
    [InlineData("generate", "--events", "5", "--servers", "0")]
    [InlineData("generate", "--bogus", "1")]
    [InlineData("bench", "xmlreader")]
    public async Task Run_BadArguments_ExitsOne(params string[] args)
    {
        var (exit, _, stderr) = await RunAsync(args);

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains("Usage: imapauto", stderr, StringComparison.Ordinal);
    }
}
