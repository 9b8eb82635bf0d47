using System.Text;
using ImapAutomation.Cli.Generate;

namespace ImapAutomation.Cli.Tests.Bench;

/// <summary>
/// Generated storms with every event varied at random (seeded) in the ways real exports and hostile input differ from
/// the common shape: each storm is read with the Event XML fast path on and off and the item streams (events with
/// every field, rejections with their locations) must be identical.
/// </summary>
public sealed class FastPathMutationTests
{
    private static readonly Func<Random, string, string>[] Mutations =
    [
        (_, e) => e.Replace(" xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"", string.Empty, StringComparison.Ordinal),
        (_, e) => e.Replace(" xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"", " xmlns=\"urn:other\"", StringComparison.Ordinal),
        (_, e) => e.Replace("Name=\"", "Name='", StringComparison.Ordinal).Replace("\" />", "' />", StringComparison.Ordinal).Replace("\">", "'>", StringComparison.Ordinal),
        (_, e) => e.Replace("<Provider Name=\"", "<Provider Guid=\"{1F678132-5938-4686-9FDC-C8FF68F15C85}\" Name=\"", StringComparison.Ordinal),
        (_, e) => e.Replace("\" />", "\" Guid='{1F678132-5938-4686-9FDC-C8FF68F15C85}'/>", StringComparison.Ordinal),
        (r, e) => InData(r, e, v => v.Replace("0", "&#48;", StringComparison.Ordinal)),
        (r, e) => InData(r, e, v => "&amp;" + v + "&lt;&gt;&quot;&apos;&#x41;&#65;"),
        (r, e) => InData(r, e, v => v + "&#xD;&#x9;"),
        (r, e) => InData(r, e, v => "<![CDATA[" + v + "]]>"),
        (r, e) => InData(r, e, v => v + "<!-- note -->"),
        (r, e) => InData(r, e, v => "caf\u00e9 \u4e2d " + v),
        (r, e) => InData(r, e, v => v + " \U0001F600"),
        (r, e) => InData(r, e, _ => "\u00a0"),
        (r, e) => InData(r, e, _ => " "),
        (r, e) => InData(r, e, _ => string.Empty),
        (r, e) => InData(r, e, v => v + "&bogus;"),
        (r, e) => InData(r, e, v => v + "]]>"),
        (r, e) => InData(r, e, v => v + "\u0001"),
        (_, e) => e.Replace("<Data>", "<Data Name=\"x\">", StringComparison.Ordinal),
        (_, e) => e.Replace("<Data Name=\"AlertDesc\">", "<Data>", StringComparison.Ordinal),
        (_, e) => e.Replace("<Data Name=\"ErrorState\">", "<Data Name=\"alertdesc\">", StringComparison.Ordinal),
        (_, e) => e.Replace("</EventData>", "<Data/><Data Name=\"e\" /></EventData>", StringComparison.Ordinal),
        (_, e) => e.Replace("\n    ", "\n\t\t", StringComparison.Ordinal),
        (_, e) => e.Replace("\n    ", string.Empty, StringComparison.Ordinal).Replace("\n  ", string.Empty, StringComparison.Ordinal),
        (_, e) => e.Replace("</Data>", "</Data >", StringComparison.Ordinal).Replace("</System>", "</System\n  >", StringComparison.Ordinal),
        (_, e) => e.Replace("<Data Name=\"", "<Data Name = \"", StringComparison.Ordinal),
        (_, e) => e.Replace("<Computer>", "<Computer> ", StringComparison.Ordinal).Replace("</Computer>", "\t</Computer>", StringComparison.Ordinal),
        (_, e) => e.Replace("<Channel>", "<Channel>\n", StringComparison.Ordinal),
        (_, e) => e.Replace("<Level>", "<Level>&#51;", StringComparison.Ordinal),
        (_, e) => e.Replace("<EventID", "<EventID Extra=\"&amp;\"", StringComparison.Ordinal),
        (_, e) => e.Replace("<EventRecordID>", "<EventRecordID>x", StringComparison.Ordinal),
        (_, e) => e.Replace("<Level>", "<Level>99999999999", StringComparison.Ordinal),
        (_, e) => e.Replace("Z\" />", "+02:00\" />", StringComparison.Ordinal),
        (_, e) => e.Replace("<Security UserID=\"S-1-5-18\" />", "<Security UserID=\"S-1-5-18\"><x>deeper</x></Security>", StringComparison.Ordinal),
        (_, e) => e.Replace("</EventData>", "</EventData><UserData><Thing><Field>v</Field></Thing></UserData>", StringComparison.Ordinal),
        (_, e) => e.Replace("</EventData>", "</EventData><RenderingInfo Culture=\"en-US\"><Message>m</Message></RenderingInfo>", StringComparison.Ordinal),
        (_, e) => e.Replace("<Level>2</Level>", "<Level>2</Levl>", StringComparison.Ordinal),
        (_, e) => e.Replace("</Event>", string.Empty, StringComparison.Ordinal),
        (_, e) => e.Replace("<System>", "<System><!DOCTYPE x>", StringComparison.Ordinal),
        (_, e) => e.Replace("<Provider Name=\"", "<Provider Name=\"\" EventSourceName=\"", StringComparison.Ordinal),
        (_, e) => e.Replace("<EventID", "<e:EventID xmlns:e=\"urn:e\"", StringComparison.Ordinal).Replace("</EventID>", "</e:EventID>", StringComparison.Ordinal),
        (_, e) => "junk \u00e9 " + e,
        (_, e) => "\u00e9<x\u00e9\u00e9\u00e9>" + e.Replace("<Level>2</Level>", "<Level>\u00e9\u00e9</Levl>", StringComparison.Ordinal),
        (_, e) => "<?xml version=\"1.0\"?>\n" + e,
    ];

    private static string InData(Random random, string e, Func<string, string> change)
    {
        var data = e.IndexOf("<Data", StringComparison.Ordinal);
        if (data < 0)
        {
            return e;
        }

        var open = e.IndexOf('>', data) + 1;
        var close = e.IndexOf("</Data>", open, StringComparison.Ordinal);
        if (close < 0 || random.Next(4) == 0)
        {
            return e;
        }

        return string.Concat(e.AsSpan(0, open), change(e[open..close]), e.AsSpan(close));
    }

    private static async Task<string> StormAsync(int seed, int events)
    {
        using var writer = new StringWriter();
        await new StormGenerator(5, seed).WriteAsync(writer, events, CancellationToken.None);
        var random = new Random(seed);
        var builder = new StringBuilder();
        foreach (var e in writer.ToString().Split("</Event>\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var text = e + "</Event>\n";
            // About half the events keep the common shape; the rest get one to three variations.
            for (var n = random.Next(-3, 4); n > 0; n--)
            {
                text = Mutations[random.Next(Mutations.Length)](random, text);
            }

            builder.Append(text);
        }

        return builder.ToString();
    }

    private static Task AssertSameAsync(byte[] bytes) => FastPathDifferentialTests.AssertSameAsync(bytes);

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    public async Task MutatedStorm_FastAndConformingAgree(int seed)
    {
        var storm = await StormAsync(seed, 1500);

        await AssertSameAsync(Encoding.UTF8.GetBytes(storm));
    }

    [Fact]
    public async Task MutatedStormWithCrLfAndEventsWrapper_FastAndConformingAgree()
    {
        var storm = await StormAsync(21, 1000);
        var xml = "\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Events>\r\n" + storm.Replace("\n", "\r\n", StringComparison.Ordinal) + "</Events>\r\n";

        await AssertSameAsync(Encoding.UTF8.GetBytes(xml));
    }

    [Fact]
    public async Task MutatedStormAsUtf16_FastAndConformingAgree()
    {
        var storm = await StormAsync(22, 500);

        await AssertSameAsync([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(storm)]);
    }

    [Fact]
    public async Task MutatedStormWithInvalidUtf8_FastAndConformingAgree()
    {
        var bytes = Encoding.UTF8.GetBytes(await StormAsync(23, 500));
        var random = new Random(23);
        for (var i = 0; i < 40; i++)
        {
            // Bytes that are never valid UTF-8, dropped into data values, markup and the space between events.
            bytes[random.Next(bytes.Length)] = (byte)random.Next(0xF8, 0x100);
        }

        await AssertSameAsync(bytes);
    }

    [Fact]
    public async Task MutatedStorm_MostEventsStillTakeTheFastPath()
    {
        // Guards the benchmark's meaning: the fast path must take the common shape, not decline everything.
        var bytes = Encoding.UTF8.GetBytes(await StormAsync(24, 400));
        var parser = new Core.Signals.EventXml.Utf8FastEventParser();
        var frames = Encoding.UTF8.GetString(bytes).Split("</Event>\n").Where(f => f.StartsWith("<Event", StringComparison.Ordinal)).ToList();

        var taken = frames.Count(f => parser.TryRead(Encoding.UTF8.GetBytes(f + "</Event>"), out _));

        Assert.InRange(taken, frames.Count / 3, frames.Count);
    }
}
