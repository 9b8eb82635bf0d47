using ImapAutomation.Cli.Bench;

namespace ImapAutomation.Cli.Tests.Bench;

public sealed class BenchIncidentsCommandTests
{
    [Theory]
    [InlineData("bench")]
    [InlineData("bench storage")]
    [InlineData("bench incidents")]
    [InlineData("bench incidents --connection-string")]
    public async Task RunAsync_MissingOrBadArguments_UsageError(string commandLine)
    {
        var args = commandLine.Split(' ');
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(args, stdout, stderr, CancellationToken.None);

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains("bench incidents", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteSection_ExistingFile_ReplacesOnlyItsOwnSection()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "# Benchmarks\n\n## Parsers\n\nfast\n");
            BenchmarkFile.WriteSection(path, "Incidents", "first run");
            BenchmarkFile.WriteSection(path, "Incidents", "second run");

            var text = File.ReadAllText(path);
            Assert.Contains("## Parsers\n\nfast", text, StringComparison.Ordinal);
            Assert.Contains("second run", text, StringComparison.Ordinal);
            Assert.DoesNotContain("first run", text, StringComparison.Ordinal);
            Assert.Single(text.Split("<!-- bench:Incidents -->").Skip(1));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
