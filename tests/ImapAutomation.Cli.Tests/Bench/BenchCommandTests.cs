namespace ImapAutomation.Cli.Tests.Bench;

public sealed class BenchCommandTests
{
    [Theory]
    [InlineData(new string[0], "Usage: imapauto bench evtx")]
    [InlineData(new[] { "nothing" }, "Usage: imapauto bench evtx")]
    [InlineData(new[] { "evtx", "--runs", "0" }, "Runs")]
    [InlineData(new[] { "evtx", "--frobnicate" }, "unknown or incomplete option '--frobnicate'")]
    [InlineData(new[] { "evtx", "--corpus", "/nonexistent/corpus" }, "corpus folder not found (/nonexistent/corpus)")]
    public async Task RunAsync_BadArguments_ExitsWithUsageErrorAndSaysWhy(string[] arguments, string expected)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(["bench", .. arguments], stdout, stderr, CancellationToken.None);

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains(expected, stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(stdout.ToString());
    }
}
