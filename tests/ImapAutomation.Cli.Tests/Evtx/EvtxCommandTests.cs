using System.Xml;
using ImapAutomation.Testing;

namespace ImapAutomation.Cli.Tests.Evtx;

public sealed class EvtxCommandTests
{
    [Fact]
    public async Task RunAsync_MissingFile_SaysWhichAndFails()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(["evtx", "/nonexistent/Security.evtx"], stdout, stderr, CancellationToken.None);

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains("/nonexistent/Security.evtx: no such file", stderr.ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RunAsync_ExchangeLog_PrintsEveryEventAsWellFormedXml()
    {
        var path = FindSample();
        Skip.If(path is null, "the shared corpus (../shared/corpora/windows-events) is missing");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(["evtx", path!], stdout, stderr, CancellationToken.None);

        Assert.Equal(CliApp.Ok, exit);
        var document = new XmlDocument { XmlResolver = null };
        document.LoadXml($"<Events>{stdout}</Events>");
        var events = document.DocumentElement!.ChildNodes;
        Assert.True(events.Count > 1);
        Assert.All(events.Cast<XmlElement>(), e => Assert.Equal("MSExchange Management", e["System"]!["Channel"]!.InnerText));
        Assert.Contains($"{events.Count} events, 1 chunks, 0 problems", stderr.ToString(), StringComparison.Ordinal);
    }

    private static string? FindSample()
    {
        var candidate = Path.Combine(RepoPaths.Shared, "corpora", "windows-events", "ID6-Failed_to_install_an_Exchange_transport_agent.evtx");
        return File.Exists(candidate) ? candidate : null;
    }
}
