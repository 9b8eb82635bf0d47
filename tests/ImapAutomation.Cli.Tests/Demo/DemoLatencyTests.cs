namespace ImapAutomation.Cli.Tests.Demo;

[Collection(DemoRunsDefinition.Name)]
public sealed class DemoLatencyTests
{
    [Theory]
    [InlineData("--runs", "2")]
    [InlineData("--runs", "many")]
    [InlineData("--fast", "yes")]
    public async Task Latency_BadOption_IsAUsageError(string option, string value)
    {
        var (exit, stdout, stderr) = await RunAsync("demo", "latency", option, value);

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains("Usage: imapauto demo latency", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task Latency_FewRuns_WritesItsOwnSectionWithBothPathsAndTheMachine()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("imapauto-latency-doc-").FullName, "benchmarks.md");
        await File.WriteAllTextAsync(file, "# Benchmarks\n\n<!-- bench:Other -->\nkept\n<!-- /bench:Other -->\n");

        var (exit, stdout, stderr) = await RunAsync("demo", "latency", "--runs", "5", "--write", file);

        Assert.True(exit == CliApp.Ok, stderr);
        var text = await File.ReadAllTextAsync(file);
        Assert.Contains("<!-- bench:Other -->\nkept\n<!-- /bench:Other -->", text, StringComparison.Ordinal);
        Assert.Contains("<!-- bench:Demo push-path latency -->", text, StringComparison.Ordinal);
        Assert.Contains("| event posted to ReceiveEvents -> incident card at the sink | 5 |", text, StringComparison.Ordinal);
        Assert.Contains("| last runbook result queued -> result card at the sink | 5 |", text, StringComparison.Ordinal);
        Assert.Contains("Machine: ", text, StringComparison.Ordinal);
        Assert.Contains("--runs 5", stdout, StringComparison.Ordinal);
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
