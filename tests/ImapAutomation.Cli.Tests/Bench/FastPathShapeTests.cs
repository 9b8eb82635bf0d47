using System.Text;
using ImapAutomation.Core.Signals.EventXml;

namespace ImapAutomation.Cli.Tests.Bench;

/// <summary>
/// Events of a shape the fast path has learnt are read by comparing their markup and checking only their values. Each
/// test puts a clean event first (so its shape is learnt), then the same shape with one value replaced by something
/// awkward or hostile, and the item streams with the fast path on and off must be identical.
/// </summary>
public sealed class FastPathShapeTests
{
    private const string Positional = """
        <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
          <System>
            <Provider Name="MSExchangeIMAP4" />
            <EventID Qualifiers="49156">1102</EventID>
            <Version>0</Version>
            <Level>2</Level>
            <Keywords>0x80000000000000</Keywords>
            <TimeCreated SystemTime="2026-10-14T08:00:00.140907200Z" />
            <EventRecordID>1</EventRecordID>
            <Correlation />
            <Execution ProcessID="524" ThreadID="632" />
            <Channel>Application</Channel>
            <Computer>EXCH34.CONTOSO.COM</Computer>
            <Security UserID="S-1-5-18" />
          </System>
          <EventData><Data>VirtualServer 0.0.0.0:993</Data><Data>second</Data></EventData>
        </Event>

        """;

    private const string Named = """
        <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
          <System>
            <Provider Name="Schannel" Guid="{1F678132-5938-4686-9FDC-C8FF68F15C85}" />
            <EventID>36888</EventID>
            <Level>2</Level>
            <TimeCreated SystemTime="2026-10-14T08:00:00.549851000Z" />
            <Channel>System</Channel>
            <Computer>EXCH14.contoso.com</Computer>
          </System>
          <EventData><Data Name="AlertDesc">51</Data><Data Name="ErrorState">1204</Data></EventData>
        </Event>

        """;

    /// <summary>Where a value sits in the two events: the text before it (its value follows, up to the next quote or tag).</summary>
    public static TheoryData<string, string> Places() => new()
    {
        { "Positional", "<Provider Name=\"" },
        { "Positional", "Qualifiers=\"" },
        { "Positional", "\">1102" },
        { "Positional", "<Version>" },
        { "Positional", "<Level>" },
        { "Positional", "<Keywords>" },
        { "Positional", "SystemTime=\"" },
        { "Positional", "<EventRecordID>" },
        { "Positional", "ProcessID=\"" },
        { "Positional", "<Channel>" },
        { "Positional", "<Computer>" },
        { "Positional", "<EventData><Data>" },
        { "Positional", "</Data><Data>" },
        { "Named", "Guid=\"" },
        { "Named", "<EventID>" },
        { "Named", "<Data Name=\"" },
        { "Named", "\"AlertDesc\">" },
        { "Named", "<Data Name=\"AlertDesc\">51</Data><Data Name=\"" },
        { "Named", "\"ErrorState\">" },
    };

    private static readonly string[] Values =
    [
        string.Empty, " ", "  x  ", "x y", "a &amp; b", "&#65;", "&#x41;&#x1F600;", "&#0;", "&#32;", "&#x20;&#9;", "&bogus;", "&amp",
        "x\r\ny", "x\ny", "x\tz", "]]>", "]]", "\u0001", "caf\u00e9", "\u00a0", "\uFFFE", "99999999999", "-5", "+7", " 12", "0x10",
        "2026-10-14T08:00:00Z", "2026-02-30T08:00:00Z", "2026-10-14T08:00:00+02:00", "<", ">", "'", "[x](https://evil.example)",
        "{{DATE(2026-01-01T00:00:00Z)}}", "alertdesc", "ALERTDESC", new string('v', 3000),
        "hi!", "why?", "\u0085", "\uE000", "\U0001F600", "\uD7FF", "</Event>",
    ];

    [Theory]
    [MemberData(nameof(Places))]
    public async Task ReadAsync_KnownShapeWithAnyValue_SameAsTheConformingParser(string template, string before)
    {
        var clean = template == "Positional" ? Positional : Named;
        var start = clean.IndexOf(before, StringComparison.Ordinal) + before.Length;
        Assert.True(start >= before.Length, $"'{before}' is not in the {template} event");
        var end = clean.IndexOfAny(['"', '<'], start);

        var storm = new StringBuilder();
        foreach (var value in Values)
        {
            storm.Append(clean).Append(string.Concat(clean.AsSpan(0, start), value, clean.AsSpan(end)));
        }

        await FastPathDifferentialTests.AssertSameAsync(Encoding.UTF8.GetBytes(storm.ToString()));
    }

    [Fact]
    public void TryRead_SameShapeAgain_IsReadByComparisonWithTheLearntShape()
    {
        var parser = new Utf8FastEventParser();
        var second = Positional.Replace("EXCH34", "EXCH35", StringComparison.Ordinal).Replace(">1102<", ">1103<", StringComparison.Ordinal);

        Assert.True(parser.TryRead(Encoding.UTF8.GetBytes(Positional.TrimEnd()), out _));
        Assert.True(parser.TryRead(Encoding.UTF8.GetBytes(second.TrimEnd()), out var e));

        Assert.Equal(1, parser.ShapeMatches);
        Assert.Equal(("EXCH35.CONTOSO.COM", 1103, 49156, 2, 1L, "Application"), (e!.Server, e.EventId, e.Qualifiers, e.Level, e.RecordId, e.Channel));
        Assert.Equal(["VirtualServer 0.0.0.0:993", "second"], e.PositionalData);
    }

    [Fact]
    public void TryRead_DuplicateElementTakesTheRole_LaterShapeWithoutItStillReadsItsOwnValue()
    {
        // The first event keeps the second <Computer>; an event sharing the first part must not read the first one as it.
        var parser = new Utf8FastEventParser();
        var twice = Named.Replace("<Computer>EXCH14.contoso.com</Computer>", "<Computer>first</Computer><Computer>second</Computer>", StringComparison.Ordinal);
        var once = Named.Replace("<Computer>EXCH14.contoso.com</Computer>", "<Computer>first</Computer><Level>3</Level>", StringComparison.Ordinal);

        Assert.True(parser.TryRead(Encoding.UTF8.GetBytes(twice.TrimEnd()), out var a));
        Assert.True(parser.TryRead(Encoding.UTF8.GetBytes(once.TrimEnd()), out var b));
        Assert.True(parser.TryRead(Encoding.UTF8.GetBytes(twice.TrimEnd()), out var c));

        Assert.Equal(("second", "first", 3, "second"), (a!.Server, b!.Server, b.Level, c!.Server));
    }

    [Fact]
    public void TryRead_EndlessDistinctShapes_StopsLearningAndStillReadsEveryEvent()
    {
        var parser = new Utf8FastEventParser();
        for (var i = 0; i < 3000; i++)
        {
            // A new element name every time: a new shape every time.
            var frame = Named.Replace("<Level>2</Level>", $"<Extra{i}>x</Extra{i}><Level>2</Level>", StringComparison.Ordinal).TrimEnd();
            Assert.True(parser.TryRead(Encoding.UTF8.GetBytes(frame), out var e));
            Assert.Equal(36888, e!.EventId);
        }

        Assert.InRange(parser.ShapeNodes, 1, EventShapes.MaxNodes);
    }

    /// <summary>Inputs around events of a learnt shape, where reading before framing must still cut what framing cuts.</summary>
    public static TheoryData<string, string> Edges() => new()
    {
        { "cut by the end of the input", Positional + Positional[..^12] },
        { "cut in its last tag", Positional + Positional.TrimEnd()[..^2] },
        { "next event on the same line", Positional.TrimEnd() + Positional.TrimEnd() + Positional },
        { "text after it", Positional.TrimEnd() + "garbage" + Positional },
        { "in an Events wrapper", "<Events>" + Positional + Positional + "</Events>" },
        { "end tag with a space", Positional + Positional.Replace("</Event>", "</Event >", StringComparison.Ordinal) },
        { "end tag of another name", Positional + Positional.Replace("</Event>", "</Eventx>", StringComparison.Ordinal) + Positional },
        { "a second start inside it", Positional + Positional.Replace("<Correlation />", "<Event>", StringComparison.Ordinal) + Positional },
        { "a value running to the next event", Positional + Positional.Replace("ThreadID=\"632\"", "ThreadID=\"632", StringComparison.Ordinal) + Positional },
        { "a value over the event size limit", Positional + Positional.Replace("second", new string('s', 1_100_000), StringComparison.Ordinal) + Positional },
    };

    [Theory]
    [MemberData(nameof(Edges))]
    public async Task ReadAsync_KnownShapeAtAnEdge_SameAsTheConformingParser(string edge, string input)
    {
        Assert.False(string.IsNullOrEmpty(edge));
        await FastPathDifferentialTests.AssertSameAsync(Encoding.UTF8.GetBytes(input));
    }

    [Fact]
    public async Task ReadAsync_KnownShapeAcrossReadBlocks_SameAsTheConformingParser()
    {
        // Over 2 MiB of one shape with varying values: events straddle the parser's 1 MiB read blocks.
        var storm = new StringBuilder();
        for (var i = 0; storm.Length < 2_300_000; i++)
        {
            storm.Append(Named.Replace("1204", (1000 + (i % 977)).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        await FastPathDifferentialTests.AssertSameAsync(Encoding.UTF8.GetBytes(storm.ToString()));
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xEF, 0xBF, 0xBF })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    public async Task ReadAsync_KnownShapeWithInvalidOrUnusualUtf8_SameAsTheConformingParser(byte[] bytes)
    {
        var clean = Encoding.UTF8.GetBytes(Named);
        var at = Named.IndexOf("51</Data>", StringComparison.Ordinal);
        byte[] mutated = [.. clean.AsSpan(0, at), .. bytes, .. clean.AsSpan(at)];

        await FastPathDifferentialTests.AssertSameAsync([.. clean, .. mutated, .. clean]);
    }

    [Fact]
    public void TryReadKnown_InputRunsOnPastTheEvent_ReadsTheEventAndItsLength()
    {
        var parser = new Utf8FastEventParser();
        var frame = Encoding.UTF8.GetBytes(Named.TrimEnd());
        Assert.False(parser.TryReadKnown([.. frame, .. "\n<Event"u8], out _, out _)); // not learnt yet
        Assert.True(parser.TryRead(frame, out _));

        var second = Encoding.UTF8.GetBytes(Named.Replace("EXCH14", "EXCH15", StringComparison.Ordinal).TrimEnd());
        Assert.True(parser.TryReadKnown([.. second, .. "\n<Event xmlns=\""u8], out var length, out var e));

        Assert.Equal((second.Length, "EXCH15.contoso.com", "51"), (length, e!.Server, e.NamedData["AlertDesc"]));
    }

    [Theory]
    [InlineData("cut short", "</EventData>", "</EventDa")]
    [InlineData("a control in a value", ">51<", ">5\u00011<")]
    [InlineData("a '?' in a value", ">51<", ">51?<")]
    [InlineData("a '!' in an attribute", "\"ErrorState\"", "\"Error!State\"")]
    [InlineData("a private-use character", ">51<", ">\uE00051<")]
    public void TryReadKnown_UnusualOrIncompleteEvent_LeavesItToFramingAndTheFullPath(string why, string from, string to)
    {
        var parser = new Utf8FastEventParser();
        Assert.True(parser.TryRead(Encoding.UTF8.GetBytes(Named.TrimEnd()), out _));
        var text = Named.TrimEnd().Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(Named.TrimEnd(), text);

        Assert.False(parser.TryReadKnown(Encoding.UTF8.GetBytes(text), out _, out _), why);
    }
}
