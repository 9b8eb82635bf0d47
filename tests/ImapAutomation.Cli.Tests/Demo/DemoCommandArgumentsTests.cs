namespace ImapAutomation.Cli.Tests.Demo;

public sealed class DemoCommandArgumentsTests
{
    [Theory]
    [InlineData("--scenario", "exchange-on-fire")]
    [InlineData("--timeout", "2s")]
    [InlineData("--timeout", "soon")]
    [InlineData("--events", "5")]
    [InlineData("--data", " ")]
    [InlineData("--frobnicate", "x")]
    public async Task Run_BadOption_IsAUsageErrorNamingIt(string option, string value)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(["demo", option, value], stdout, stderr, CancellationToken.None);

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains(option == "--frobnicate" ? option : value.Trim().Length == 0 ? option : value, stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("Usage: imapauto demo", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal("", stdout.ToString());
    }

    [Fact]
    public async Task Help_ListsTheDemo()
    {
        using var stdout = new StringWriter();

        await CliApp.RunAsync(["help"], stdout, TextWriter.Null, CancellationToken.None);

        Assert.Contains("demo [--scenario certificate|proxy|connection-limit|tls]", stdout.ToString(), StringComparison.Ordinal);
    }
}
