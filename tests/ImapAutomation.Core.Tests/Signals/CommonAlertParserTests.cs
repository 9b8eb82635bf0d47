using ImapAutomation.Core.Signals;
using ImapAutomation.Testing;
using static ImapAutomation.Core.Tests.Signals.SignalParsing;

namespace ImapAutomation.Core.Tests.Signals;

public sealed class CommonAlertParserTests
{
    private static Task<byte[]> Corpus(string name) => File.ReadAllBytesAsync(Path.Combine(RepoPaths.Shared, "corpora", "azure-monitor", name));

    private static Task<byte[]> Sample(string name) => File.ReadAllBytesAsync(RepoPaths.InRoot("samples", "alerts", name));

    [Fact]
    public async Task Read_LogAlertV2Corpus_TakesServerFromDimensionAndSaysItCannotBeClassified()
    {
        var (format, items) = await ReadAsync(await Corpus("common-schema-log-alert-v2.json"));

        Assert.Equal(SignalFormat.AzureMonitorAlert, format);
        var e = Assert.Single(items.Events());
        Assert.Equal(("test-computer", 0), (e.Server, e.EventId));
        Assert.Contains("not split by Computer, Source and EventID", Assert.Single(items.OfType<SignalNotice>()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_MetricAlertCorpus_IsReportedAsNotALogAlert()
    {
        var (_, items) = await ReadAsync(await Corpus("common-schema-metric-alert-resolved.json"));

        Assert.Empty(items.Events());
        Assert.Contains("not a log search alert", Assert.Single(items.OfType<SignalNotice>()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_SplitFiredAlert_GivesServerSourceIdAndCount()
    {
        var (_, items) = await ReadAsync(await Sample("exch05-schannel-fired.json"));

        var e = Assert.Single(items.Events());
        Assert.Equal(("EXCH05.contoso.com", "Schannel", 36888, 240L, "Fired"), (e.Server, e.Provider, e.EventId, e.Count, e.AlertCondition));
        Assert.Equal(new DateTimeOffset(2026, 10, 14, 17, 20, 0, TimeSpan.Zero), e.Time);
        Assert.Empty(items.OfType<SignalNotice>());
    }

    [Fact]
    public async Task Read_ResolvedAlert_IsReportedAndMarkedResolved()
    {
        var (_, items) = await ReadAsync(await Sample("exch05-schannel-resolved.json"));

        Assert.Equal("Resolved", Assert.Single(items.Events()).AlertCondition);
        Assert.Contains("closes no incident", Assert.Single(items.OfType<SignalNotice>()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_PayloadWithoutEssentials_IsRejected()
    {
        var (_, items) = await ReadAsync("{\"schemaId\":\"azureMonitorCommonAlertSchema\",\"data\":{\"alertContext\":{}}}");

        Assert.Equal("$.data.essentials", Assert.Single(items.Rejections()).Location);
    }
}
