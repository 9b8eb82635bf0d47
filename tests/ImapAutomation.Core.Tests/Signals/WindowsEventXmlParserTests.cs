using System.Text;
using ImapAutomation.Core.Signals;
using ImapAutomation.Core.Signals.EventXml;
using ImapAutomation.Testing;
using static ImapAutomation.Core.Tests.Signals.SignalParsing;

namespace ImapAutomation.Core.Tests.Signals;

public sealed class WindowsEventXmlParserTests
{
    [Fact]
    public async Task ReadAsync_SingleEventWithNamespace_NormalizesEveryField()
    {
        var (format, items) = await ReadAsync(Event());

        Assert.Equal(SignalFormat.WindowsEventXml, format);
        var e = Assert.Single(items.Events());
        Assert.Equal(("EXCH01.contoso.com", "Schannel", 36888), (e.Server, e.Provider, e.EventId));
        Assert.Equal(49156, e.Qualifiers);
        Assert.Equal(2, e.Level);
        Assert.Equal(1204930, e.RecordId);
        Assert.Equal("System", e.Channel);
        Assert.Equal(new DateTimeOffset(2019, 2, 22, 20, 38, 41, TimeSpan.Zero).AddTicks(8095669), e.Time);
        Assert.Equal("51", e.NamedData["AlertDesc"]);
        Assert.Equal("900", e.NamedData["ErrorState"]);
    }

    [Fact]
    public async Task ReadAsync_NoNamespaceAndPositionalData_KeepsDataInOrder()
    {
        var (_, items) = await ReadAsync(Event("MSExchangeIMAP4", 1102, data: "<Data>first</Data><Data/><Data>third</Data>", ns: false));

        var e = Assert.Single(items.Events());
        Assert.Equal(["first", string.Empty, "third"], e.PositionalData);
        Assert.Empty(e.NamedData);
    }

    [Fact]
    public async Task ReadAsync_EventsWrapperWithDeclaration_ReadsEveryEvent()
    {
        var xml = $"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- export -->\n<Events>\n{Event()}{Event(id: 36887)}</Events>\n";

        var (_, items) = await ReadAsync(xml);

        Assert.Equal([36888, 36887], items.Events().Select(e => e.EventId));
        Assert.Empty(items.Rejections());
    }

    [Fact]
    public async Task ReadAsync_ConcatenatedWithoutRoot_ReadsEveryEvent()
    {
        var xml = string.Concat(Enumerable.Range(0, 3).Select(i => Event(computer: $"exch0{i}")));

        var (_, items) = await ReadAsync(xml);

        Assert.Equal(["exch00", "exch01", "exch02"], items.Events().Select(e => e.Server));
    }

    [Fact]
    public async Task ReadAsync_Utf16WithBom_IsDetectedAndRead()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Event())).ToArray();

        var (format, items) = await ReadAsync(bytes);

        Assert.Equal(SignalFormat.WindowsEventXml, format);
        Assert.Single(items.Events());
    }

    [Fact]
    public async Task ReadAsync_RenderedXml_TakesMessageAsRenderedText()
    {
        var xml = Event().Replace("</EventData>", "</EventData><RenderingInfo Culture=\"en-US\"><Message>The following fatal alert was generated: 51.</Message></RenderingInfo>", StringComparison.Ordinal);

        var (_, items) = await ReadAsync(xml);

        Assert.Equal("The following fatal alert was generated: 51.", Assert.Single(items.Events()).RenderedText);
    }

    [Fact]
    public async Task ReadAsync_DoctypeWithExternalEntity_RefusesDtdAndNeverResolvesIt()
    {
        var secret = Path.Combine(Path.GetTempPath(), $"xxe-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(secret, "TOP-SECRET-CONTENT");
        try
        {
            var xml = $"<?xml version=\"1.0\"?>\n<!DOCTYPE Event [<!ENTITY xxe SYSTEM \"file://{secret}\">]>\n" +
                Event(computer: "&xxe;") + Event(computer: "after");

            var (_, items) = await ReadAsync(xml);

            var rejections = items.Rejections();
            Assert.Contains(rejections, r => r.Reason.Contains("DTD", StringComparison.Ordinal) && r.Location == "line 2, column 1");
            Assert.Contains(rejections, r => r.Reason.Contains("xxe", StringComparison.Ordinal));
            Assert.Equal(["after"], items.Events().Select(e => e.Server));
            Assert.DoesNotContain(items, i => i.ToString()!.Contains("TOP-SECRET", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public async Task ReadAsync_DoctypeInsideEvent_RejectsThatEventOnly()
    {
        var xml = "<Event><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><System/></Event>\n" + Event(computer: "ok");

        var (_, items) = await ReadAsync(xml);

        Assert.Single(items.Rejections());
        Assert.Equal("ok", Assert.Single(items.Events()).Server);
    }

    [Fact]
    public async Task ReadAsync_EventOverOneMebibyte_IsRejectedAndTheNextIsRead()
    {
        var huge = Event(data: $"<Data>{new string('x', 1024 * 1024 + 10)}</Data>");
        var xml = Event(computer: "before") + huge + Event(computer: "after");

        var (_, items) = await ReadAsync(xml);

        Assert.Equal(["before", "after"], items.Events().Select(e => e.Server));
        var rejection = Assert.Single(items.Rejections());
        Assert.Contains("larger than 1048576", rejection.Reason, StringComparison.Ordinal);
        Assert.StartsWith("line 14,", rejection.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_TenThousandDeepNestingInsideEvent_IsRejectedAndTheNextIsRead()
    {
        var deep = string.Concat(Enumerable.Repeat("<a>", 10_000)) + string.Concat(Enumerable.Repeat("</a>", 10_000));
        var xml = Event(data: deep) + Event(computer: "after");

        var (_, items) = await ReadAsync(xml);

        Assert.Contains("nested deeper than 32", Assert.Single(items.Rejections()).Reason, StringComparison.Ordinal);
        Assert.Equal("after", Assert.Single(items.Events()).Server);
    }

    [Fact]
    public async Task ReadAsync_TenThousandDeepNestingWithoutEvent_IsRejectedWithoutCrashing()
    {
        var deep = string.Concat(Enumerable.Repeat("<a>", 10_000));

        var (_, items) = await ReadAsync(deep);

        Assert.Empty(items.Events());
        Assert.Equal("line 1, column 1", Assert.Single(items.Rejections()).Location);
    }

    [Fact]
    public async Task ReadAsync_MalformedEvent_ReportsLineAndColumnAndReadsTheRest()
    {
        var broken = Event().Replace("<Level>2</Level>", "<Level>2</Levl>", StringComparison.Ordinal);
        var xml = Event(computer: "one") + broken + Event(computer: "three");

        var (_, items) = await ReadAsync(xml);

        Assert.Equal(["one", "three"], items.Events().Select(e => e.Server));
        var rejection = Assert.Single(items.Rejections());
        Assert.StartsWith("line 18, column", rejection.Location, StringComparison.Ordinal);
        Assert.Contains("malformed event XML", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_TruncatedFile_KeepsEarlierEventsAndReportsTruncation()
    {
        var full = Event(computer: "one") + Event(computer: "two");
        var xml = full[..(full.Length - 60)];

        var (_, items) = await ReadAsync(xml);

        Assert.Equal("one", Assert.Single(items.Events()).Server);
        Assert.Contains("truncated", Assert.Single(items.Rejections()).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_EventCutShortByTheNextEvent_ResynchronisesAtTheNextEvent()
    {
        var cut = Event(computer: "cut");
        var xml = cut[..(cut.Length / 2)] + Event(computer: "next") + Event(computer: "last");

        var (_, items) = await ReadAsync(xml);

        Assert.Equal(["next", "last"], items.Events().Select(e => e.Server));
        Assert.Single(items.Rejections());
    }

    [Fact]
    public async Task ReadAsync_BinaryGarbageBetweenEvents_IsRejectedOnceAndBothSidesRead()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        var bytes = Encoding.UTF8.GetBytes(Event(computer: "one")).Concat(garbage).Concat(Encoding.UTF8.GetBytes("\n" + Event(computer: "two"))).ToArray();

        var (_, items) = await ReadAsync(bytes);

        Assert.Equal(["one", "two"], items.Events().Select(e => e.Server));
        Assert.NotEmpty(items.Rejections());
        Assert.All(items.Rejections(), r => Assert.StartsWith("line ", r.Location, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_EventWithoutEventId_IsRejectedAsUnusable()
    {
        var xml = Event().Replace("<EventID Qualifiers=\"49156\">36888</EventID>", string.Empty, StringComparison.Ordinal);

        var (_, items) = await ReadAsync(xml);

        Assert.Equal("unusable event: the event has no System/EventID", Assert.Single(items.Rejections()).Reason);
    }

    [Fact]
    public async Task ReadAsync_EvtxExportCorpus_ReadsEveryEventWithoutRejection()
    {
        var path = Path.Combine(RepoPaths.Shared, "corpora", "windows-events", "ID6-Failed_to_install_an_Exchange_transport_agent.evtxexport.xml");
        Assert.True(File.Exists(path), $"corpus file missing: {path}");

        var (_, items) = await ReadAsync(await File.ReadAllBytesAsync(path));

        Assert.Empty(items.Rejections());
        Assert.Equal(4, items.Events().Count);
        Assert.All(items.Events(), e => Assert.Equal(("exchange01.offsec.lan", "MSExchange CmdletLogs", 6), (e.Server, e.Provider, e.EventId)));
        Assert.Equal("Install-TransportAgent", items.Events()[0].PositionalData[0]);
    }

    [Theory]
    [InlineData("<Event><System><Provider Name=\"p\"/></Systm></Event>")]
    [InlineData("<x/>")]
    [InlineData("stray text")]
    public async Task ReadAsync_NonAsciiEarlierOnTheLine_ReportsColumnsInCharacters(string tail)
    {
        // Parsing works on UTF-8 bytes; locations must still count characters, as a text editor shows them.
        var ascii = $"<?pi eee?><!-- ee -->{tail}\n";
        var accented = $"<?pi \u00e9\u00e9\u00e9?><!-- \u00e9\u00e9 -->{tail}\n";

        var (_, expected) = await ReadAsync(ascii);
        var (_, actual) = await ReadAsync(accented);

        Assert.NotEmpty(expected.Rejections());
        Assert.Equal(expected.Rejections().Select(r => r.Location), actual.Rejections().Select(r => r.Location));
    }

    /// <summary>
    /// Inputs where every <c>&lt;Event</c> starts a frame that is rejected, so reading resumes at the next start inside
    /// it: each byte may be searched and decoded a bounded number of times, not once per start before it.
    /// </summary>
    public static TheoryData<string, string, string> EveryStartRejected() => new()
    {
        { "malformed starts", "<Event ", "</Event>\n" },
        { "self-closed starts with no end tag", "<Event/>", string.Empty },
        { "starts cut short before a known end", "<Event><System><Provider Name=\"x", "</Event>\n" },
    };

    [Theory]
    [MemberData(nameof(EveryStartRejected))]
    public async Task ReadAsync_EveryStartARejectedFrame_RejectsEachAtLinearCost(string why, string start, string tail)
    {
        const int Starts = 20_000;
        var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(start, Starts)) + tail + Event());
        await using var parser = new WindowsEventXmlParser(new MemoryStream(bytes), new SignalReaderOptions(), CancellationToken.None);
        var items = new List<SignalItem>();
        await foreach (var item in parser)
        {
            items.Add(item);
        }

        // Each start is rejected with its own location, and the event after them is still read.
        Assert.Equal(Starts, items.OfType<SignalRejection>().Count());
        Assert.Equal(36888, Assert.Single(items.Events()).EventId);

        // Searching and decoding again from every start would be about Starts x input / 2 (over a billion here).
        var (searched, decoded) = parser.Work;
        Assert.True(searched <= 4L * bytes.Length, $"{why}: {searched} bytes searched for end tags in {bytes.Length}");
        Assert.True(decoded <= 600L * Starts, $"{why}: {decoded} characters decoded for {Starts} rejected frames");
    }
}
