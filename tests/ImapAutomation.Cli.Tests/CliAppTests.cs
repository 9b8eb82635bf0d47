namespace ImapAutomation.Cli.Tests;

public sealed class CliAppTests
{
    [Fact]
    public async Task RunAsync_UnknownCommand_ExitsWithUsageErrorAndNamesTheCommand()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(["frobnicate"], stdout, stderr, CancellationToken.None);

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains("unknown command 'frobnicate'", stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(stdout.ToString());
    }

    [Fact]
    public async Task RunAsync_Help_PrintsUsageAndSucceeds()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(["--help"], stdout, stderr, CancellationToken.None);

        Assert.Equal(CliApp.Ok, exit);
        Assert.Contains("triage", stdout.ToString(), StringComparison.Ordinal);
    }
}
