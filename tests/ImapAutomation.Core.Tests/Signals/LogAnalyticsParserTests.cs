using System.Text.Json;
using ImapAutomation.Core.Signals;
using ImapAutomation.Testing;
using static ImapAutomation.Core.Tests.Signals.SignalParsing;

namespace ImapAutomation.Core.Tests.Signals;

public sealed class LogAnalyticsParserTests
{
    private static string Response(params object?[][] rows) => JsonSerializer.Serialize(new
    {
        tables = new[]
        {
            new
            {
                name = "PrimaryResult",
                columns = new[] { "EventData", "EventID", "Computer", "Source", "TimeGenerated", "ParameterXml", "RenderedDescription", "EventLevel" }
                    .Select(n => new { name = n, type = "string" }),
                rows,
            },
        },
    });

    [Fact]
    public async Task ReadJson_EventTableRows_MapsColumnsByNameIncludingDataItemWrapper()
    {
        var data = $"<DataItem type=\"System.XmlData\" time=\"x\"><EventData xmlns=\"{Ns}\"><Data Name=\"AlertDesc\">48</Data><Data Name=\"ErrorState\">552</Data></EventData></DataItem>";
        var json = Response([data, 36888, "EXCH01", "Schannel", "2026-10-14T09:14:00.123Z", null, "text", 2]);

        var (format, items) = await ReadAsync(json);

        Assert.Equal(SignalFormat.LogAnalyticsJson, format);
        var e = Assert.Single(items.Events());
        Assert.Equal(("EXCH01", "Schannel", 36888, 2), (e.Server, e.Provider, e.EventId, e.Level));
        Assert.Equal("48", e.NamedData["AlertDesc"]);
        Assert.Equal(new DateTimeOffset(2026, 10, 14, 9, 14, 0, 123, TimeSpan.Zero), e.Time);
    }

    [Fact]
    public async Task ReadJson_ParameterXmlOnly_GivesPositionalData()
    {
        var json = Response([null, "36888", "EXCH01", "Schannel", "2026-10-14T09:14:00Z", "<Param>40</Param><Param>1205</Param>", null, null]);

        var (_, items) = await ReadAsync(json);

        Assert.Equal(["40", "1205"], Assert.Single(items.Events()).PositionalData);
    }

    [Fact]
    public async Task ReadJson_BadRows_AreRejectedByJsonPathAndTheRestRead()
    {
        var json = Response(
            ["", "x", "EXCH01", "Schannel", "2026-10-14T09:14:00Z", "", "", 2],
            ["", 36888, "EXCH01"],
            ["<Data>unclosed", 36888, "EXCH01", "Schannel", "2026-10-14T09:14:00Z", "", "", 2],
            ["", 1102, "EXCH01", "MSExchangeIMAP4", "2026-10-14T09:14:00Z", "", "", 2]);

        var (_, items) = await ReadAsync(json);

        Assert.Equal(1102, Assert.Single(items.Events()).EventId);
        Assert.Equal(
            ["$.tables[0].rows[0]", "$.tables[0].rows[1]", "$.tables[0].rows[2]"],
            items.Rejections().Select(r => r.Location));
        Assert.Contains("EventID 'x' is not a number", items.Rejections()[0].Reason, StringComparison.Ordinal);
        Assert.Contains("8 cells", items.Rejections()[1].Reason, StringComparison.Ordinal);
        Assert.Contains("not well-formed", items.Rejections()[2].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadJson_PartialErrorCorpus_ReportsThePartialResultAndTheNonEventTable()
    {
        var path = Path.Combine(RepoPaths.Shared, "corpora", "azure-monitor", "log-analytics-query-response-partial-error.json");

        var (format, items) = await ReadAsync(await File.ReadAllBytesAsync(path));

        Assert.Equal(SignalFormat.LogAnalyticsJson, format);
        var rejections = items.Rejections();
        Assert.Equal("$.error", rejections[0].Location);
        Assert.Contains("PartialError", rejections[0].Reason, StringComparison.Ordinal);
        Assert.Contains("E_QUERY_RESULT_SET_TOO_LARGE", rejections[0].Reason, StringComparison.Ordinal);
        Assert.Equal("$.tables[0]", rejections[1].Location);
        Assert.Contains("not an Event table", rejections[1].Reason, StringComparison.Ordinal);
        Assert.Empty(items.Events());
    }

    private const string CsvHeader = "TenantId,EventID,\"TimeGenerated [UTC]\",Computer,Source,EventData,ParameterXml,RenderedDescription,Type\r\n";

    [Fact]
    public async Task ReadCsv_PortalExport_ParsesLocalStyleTimesAndQuotedMultilineFields()
    {
        var csv = CsvHeader +
            "t,1102,\"10/14/2026, 3:14:05.250 PM\",exch04,MSExchangeIMAP4,,,\"The IMAP4 service failed.\nSecond line with \"\"quotes\"\".\",Event\r\n";

        var (format, items) = await ReadAsync(csv);

        Assert.Equal(SignalFormat.LogAnalyticsCsv, format);
        var e = Assert.Single(items.Events());
        Assert.Equal(new DateTimeOffset(2026, 10, 14, 15, 14, 5, 250, TimeSpan.Zero), e.Time);
        Assert.Equal("The IMAP4 service failed.\nSecond line with \"quotes\".", e.RenderedText);
    }

    [Fact]
    public async Task ReadCsv_HeaderMissingRequiredColumns_RejectsTheFile()
    {
        var (_, items) = await ReadAsync("EventID,Computer\r\n1102,exch01\r\n");

        var rejection = Assert.Single(items.Rejections());
        Assert.Equal("line 1", rejection.Location);
        Assert.Contains("no TimeGenerated, Source columns", rejection.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("t,1102,2026-10-14T09:00:00Z,exch01,MSExchangeIMAP4,ab\"c,,,Event", "a quote inside an unquoted field")]
    [InlineData("t,1102,2026-10-14T09:00:00Z,exch01,MSExchangeIMAP4,\"abc\"x,,,Event", "unexpected 'x' after a closing quote")]
    [InlineData("t,1102,2026-10-14T09:00:00Z,exch01,MSExchangeIMAP4,,,,Event,extra,columns", "11 fields but the header names 9")]
    [InlineData("t,1102,2026-10-14T09:00:00Z,exch01", "4 fields but the header names 9")]
    [InlineData("t,1102,yesterday,exch01,MSExchangeIMAP4,,,,Event", "TimeGenerated 'yesterday' is not a time")]
    public async Task ReadCsv_BrokenRow_IsRejectedWithLineAndTheNextRowRead(string row, string reason)
    {
        var csv = CsvHeader + row + "\r\nt,1101,2026-10-14T09:00:00Z,exch01,MSExchangeIMAP4,,,,Event\r\n";

        var (_, items) = await ReadAsync(csv);

        var rejection = Assert.Single(items.Rejections());
        Assert.Equal("line 2", rejection.Location);
        Assert.Contains(reason, rejection.Reason, StringComparison.Ordinal);
        Assert.Equal(1101, Assert.Single(items.Events()).EventId);
    }

    [Fact]
    public async Task ReadCsv_UnterminatedQuoteAtEnd_IsRejected()
    {
        var csv = CsvHeader + "t,1101,2026-10-14T09:00:00Z,exch01,MSExchangeIMAP4,,,,Event\r\nt,1102,2026-10-14T09:00:00Z,exch01,MSExchangeIMAP4,,,\"never closed\r\nmore\r\n";

        var (_, items) = await ReadAsync(csv);

        Assert.Single(items.Events());
        Assert.Contains("unterminated quoted field", Assert.Single(items.Rejections()).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadCsv_OverlongLine_IsRejectedWithoutBufferingIt()
    {
        var csv = CsvHeader + "t,1102," + new string('x', 5000) + "\r\nt,1101,2026-10-14T09:00:00Z,exch01,MSExchangeIMAP4,,,,Event\r\n";

        var (_, items) = await ReadAsync(csv, new SignalReaderOptions { MaxCsvRecordChars = 2048 });

        Assert.Contains("longer than 2048", Assert.Single(items.Rejections()).Reason, StringComparison.Ordinal);
        Assert.Single(items.Events());
    }
}
