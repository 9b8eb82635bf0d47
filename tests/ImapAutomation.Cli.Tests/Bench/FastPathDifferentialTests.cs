using System.Text;
using ImapAutomation.Cli.Generate;
using ImapAutomation.Core.Signals;
using ImapAutomation.Core.Signals.EventXml;
using ImapAutomation.Testing;

namespace ImapAutomation.Cli.Tests.Bench;

/// <summary>
/// The Event XML fast path may only accept what XmlReader accepts, with the same result: every input here is read
/// with the fast path on and off and the two item streams must be identical.
/// </summary>
public sealed class FastPathDifferentialTests
{
    private const string Ns = "http://schemas.microsoft.com/win/2004/08/events/event";

    private static async Task<List<string>> ReadAsync(byte[] bytes, bool fast)
    {
        using var stream = new MemoryStream(bytes);
        using var input = await SignalReader.OpenAsync(stream, new SignalReaderOptions { UseFastPath = fast });
        var items = new List<string>();
        await foreach (var item in input.ReadAsync())
        {
            items.Add(item switch
            {
                SignalEvent e => string.Join('|',
                    e.Server, e.Provider, e.EventId, e.Time.UtcTicks, e.Time.Offset, e.Qualifiers, e.Level, e.RecordId, e.Channel, e.RenderedText, e.Count,
                    string.Join(';', e.NamedData.Select(p => $"{p.Key}={p.Value}")), string.Join(';', e.PositionalData),
                    e.NamedData.TryGetValue("ALERTDESC", out var alert) ? alert : "-"),
                _ => item.ToString()!,
            });
        }

        return items;
    }

    /// <summary>Reads the input with the fast path on and off: the item streams (events with every field, rejections with their locations) must be identical.</summary>
    internal static async Task AssertSameAsync(byte[] bytes)
    {
        var conforming = await ReadAsync(bytes, fast: false);
        var fast = await ReadAsync(bytes, fast: true);
        Assert.Equal(conforming.Count, fast.Count);
        for (var i = 0; i < conforming.Count; i++)
        {
            Assert.Equal(conforming[i], fast[i]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task GeneratedStorm_FastAndConformingAgree(int seed)
    {
        using var writer = new StringWriter();
        await new StormGenerator(7, seed).WriteAsync(writer, 3000, CancellationToken.None);

        await AssertSameAsync(Encoding.UTF8.GetBytes(writer.ToString()));
    }

    [Fact]
    public async Task SamplesAndCorpus_FastAndConformingAgree()
    {
        var files = Directory.EnumerateFiles(RepoPaths.InRoot("samples"), "*.xml", SearchOption.AllDirectories)
            .Append(Path.Combine(RepoPaths.Shared, "corpora", "windows-events", "ID6-Failed_to_install_an_Exchange_transport_agent.evtxexport.xml"))
            .ToList();
        Assert.True(files.Count >= 3);
        foreach (var file in files)
        {
            await AssertSameAsync(await File.ReadAllBytesAsync(file));
        }
    }

    public static TheoryData<string> EdgeCases() =>
    [
        "<Data>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;</Data>",
        "<Data>&#65;&#x42;&#x1F600;</Data>",
        "<Data>&#0;</Data>",
        "<Data>&#32;</Data>",
        "<Data>&bogus;</Data>",
        "<Data>&amp</Data>",
        "<Data> </Data>",
        "<Data>  padded  </Data>",
        "<Data></Data><Data/><Data />",
        "<Data Name=\"\">empty name</Data>",
        "<Data Name='single'>quoted</Data>",
        "<Data Name=\"a\" Name=\"b\">dup</Data>",
        "<Data Name=\"a\"Other=\"b\">no space</Data>",
        "<Data Name=\"a&amp;b\">amp in attribute</Data>",
        "<Data Name=\"tab\there\">tab</Data>",
        "<Data>line\r\nbreak</Data>",
        "<Data>line\nbreak</Data>",
        "<Data>]]></Data>",
        "<Data><![CDATA[x]]></Data>",
        "<Data><!-- c -->x</Data>",
        "<Data><?pi x?>x</Data>",
        "<Data><b>child</b></Data>",
        "<Data>unclosed",
        "<Data>x</data>",
        "<Data>x</Data >",
        "<x:Data xmlns:x=\"urn:x\">prefixed</x:Data>",
        "<Data xml:space=\"preserve\">x</Data>",
        "<Data>\u0001</Data>",
        "<Data>\uFFFE</Data>",
        "<Data>caf\u00e9 \u4e2d</Data>",
        "text outside",
        "<Data>x</Data></EventData><EventData><Data>second section</Data>",
        "<Data>x</Data></EventData><UserData><Thing><Field>v</Field></Thing></UserData><EventData>",
        "<Data>x</Data></EventData><RenderingInfo><Message>m</Message></RenderingInfo><EventData>",
    ];

    [Theory]
    [MemberData(nameof(EdgeCases))]
    public async Task EdgeCase_FastAndConformingAgree(string data)
    {
        var xml = $"""
            <Event xmlns="{Ns}"><System><Provider Name="Schannel" /><EventID>36888</EventID><Level>2</Level>
            <TimeCreated SystemTime="2026-10-14T09:00:00.123456789Z" /><Computer>exch01</Computer></System>
            <EventData>{data}</EventData></Event>
            <Event><System><Provider Name="after"/><EventID>1</EventID><TimeCreated SystemTime="2026-10-14T09:00:00Z"/></System></Event>
            """;

        await AssertSameAsync(Encoding.UTF8.GetBytes(xml));
    }

    [Theory]
    [InlineData("<Event xmlns=\"urn:other\"><System><Provider Name=\"p\"/><EventID>1</EventID><TimeCreated SystemTime=\"2026-10-14T09:00:00Z\"/></System></Event>")]
    [InlineData("<Event><System><Provider Name=\"p\"/><EventID>x</EventID><TimeCreated SystemTime=\"2026-10-14T09:00:00Z\"/></System></Event>")]
    [InlineData("<Event><System><Provider Name=\"p\"/><EventID>1</EventID><TimeCreated SystemTime=\"2026-02-30T09:00:00Z\"/></System></Event>")]
    [InlineData("<Event><System><Provider Name=\"p\"/><EventID Qualifiers=\"1\">1</EventID><EventID>2</EventID><TimeCreated SystemTime=\"2026-10-14T09:00:00.5Z\"/></System></Event>")]
    [InlineData("<Event><System><Provider/><EventID>1</EventID><TimeCreated SystemTime=\"2026-10-14T09:00:00Z\"/></System></Event>")]
    [InlineData("<Event><System><Provider Name=\"p\"/><EventID>1</EventID><TimeCreated SystemTime=\"2026-10-14T09:00:00Z\"/></System></Event><Event>")]
    [InlineData("<Event><System></System><System><Provider Name=\"p\"/><EventID>1</EventID><TimeCreated SystemTime=\"2026-10-14 09:00:00\"/></System></Event>")]
    [InlineData("<Event><System/><EventData/></Event>")]
    [InlineData("<Event ><System ><Provider Name = \"p\"/><EventID>1</EventID><TimeCreated SystemTime=\"2026-10-14T09:00:00Z\"/></System ></Event >")]
    public async Task WholeEvent_FastAndConformingAgree(string xml)
    {
        await AssertSameAsync(Encoding.UTF8.GetBytes(xml));
    }

    [Fact]
    public void TryRead_CommonShape_IsTakenByTheFastPath()
    {
        var frame = $"""
            <Event xmlns="{Ns}">
              <System>
                <Provider Name="Schannel" Guid="{"{1F678132-5938-4686-9FDC-C8FF68F15C85}"}" />
                <EventID Qualifiers="49156">36888</EventID>
                <TimeCreated SystemTime="2019-02-22T20:38:41.809566900Z" />
                <Computer>FW-EXCH01.Kat.com</Computer>
                <Security UserID="S-1-5-18" />
              </System>
              <EventData><Data Name="AlertDesc">51</Data><Data Name="ErrorState">900</Data></EventData>
            </Event>
            """;

        Assert.True(new Utf8FastEventParser().TryRead(Encoding.UTF8.GetBytes(frame), out var e));
        Assert.Equal(("FW-EXCH01.Kat.com", 36888, 49156, "51"), (e!.Server, e.EventId, e.Qualifiers, e.NamedData["AlertDesc"]));
    }

    [Fact]
    public void TryRead_Doctype_IsNeverTakenByTheFastPath()
    {
        Assert.False(new Utf8FastEventParser().TryRead("<Event><!DOCTYPE x><System/></Event>"u8, out _));
    }
}
