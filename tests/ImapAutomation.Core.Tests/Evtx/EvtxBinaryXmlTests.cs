using System.Buffers.Binary;
using System.Text;
using System.Xml;
using ImapAutomation.Core.Evtx;

namespace ImapAutomation.Core.Tests.Evtx;

/// <summary>Hand-built records for the tokens and value types the public corpus does not contain.</summary>
public sealed class EvtxBinaryXmlTests
{
    private static readonly byte[] Sid = [1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xe8, 0x03, 0, 0, 0x10, 0x27, 0, 0, 0x01, 0, 0, 0, 0xf4, 0x01, 0, 0];

    [Fact]
    public void ReadRecords_EveryTokenAndValueType_DecodesAsWindowsRendersIt()
    {
        var guid = Guid.Parse("82c6a580-0c4c-48bd-a0ac-6d3de58fdabb");
        var file = SyntheticEvtx.Build(
            t => t.Element(
                "Event",
                a => a.Attribute("xmlns", v => v.Text("http://schemas.microsoft.com/win/2004/08/events/event")),
                c => c
                    .Element("System", content: s => s
                        .Element("Provider", a => a.Attribute("Name", v => v.Substitution(0, 0x01)))
                        .Element("EventID", a => a.Attribute("Qualifiers", v => v.Substitution(1, 0x06, optional: true)), e => e.Substitution(2, 0x06))
                        .Element("Level", content: e => e.Substitution(3, 0x04))
                        .Element("Keywords", content: e => e.Substitution(16, 0x15))
                        .Element("TimeCreated", a => a.Attribute("SystemTime", v => v.Substitution(4, 0x11)))
                        .Element("EventRecordID", content: e => e.Substitution(5, 0x0a))
                        .Element("Channel", content: e => e.Text("Application"))
                        .Element("Computer", content: e => e.Substitution(6, 0x02))
                        .Element("Security", a => a.Attribute("UserID", v => v.Substitution(7, 0x13, optional: true))))
                    .Element("EventData", content: d => d
                        .Element("Data", a => a.Attribute("Name", v => v.Text("Words")), e => e.Substitution(8, 0x81))
                        .Element("Data", a => a.Attribute("Name", v => v.Text("Mixed")), e => e.Text("a").EntityRef("amp").Text("b ").CharRef('A').Text(" ").Substitution(9, 0x0c))
                        .Element("Data", a => a.Attribute("Name", v => v.Text("Flag")), e => e.Substitution(10, 0x0d))
                        .Element("Data", a => a.Attribute("Name", v => v.Text("When")), e => e.Substitution(11, 0x12))
                        .Element("Data", a => a.Attribute("Name", v => v.Text("Id")), e => e.Substitution(12, 0x0f))
                        .Element("Data", a => a.Attribute("Name", v => v.Text("Size")), e => e.Substitution(13, 0x10))
                        .Element("Data", a => a.Attribute("Name", v => v.Text("Hex")), e => e.Substitution(14, 0x14))
                        .Element("Binary", content: e => e.Substitution(15, 0x0e, optional: true))
                        .Element("Data", a => a.Attribute("Name", v => v.Text("Code")), e => e.CData("x < y && z"))
                        .Element("Data", a => a.Attribute("Name", v => v.Text("Bytes")), e => e.Substitution(17, 0x0e))
                        .Element("Data", a => a.Attribute("Name", v => v.Text("Numbers")), e => e.Substitution(18, 0x88)))
                    .PI("Target", "some data")),
            (0x01, Utf16("MSExchangeIMAP4\0")),
            (0x00, []),
            (0x06, U16(1102)),
            (0x04, [2]),
            (0x11, U64((ulong)new DateTime(2026, 11, 30, 8, 41, 47, DateTimeKind.Utc).AddTicks(9821281).ToFileTimeUtc())),
            (0x0a, U64(7184)),
            (0x02, Encoding.Latin1.GetBytes("EXCH01\u00e9\0")),
            (0x13, Sid),
            (0x81, Utf16("one\0two\0three\0")),
            (0x0c, BitConverter.GetBytes(2.5d)),
            (0x0d, [1, 0, 0, 0]),
            (0x12, SystemTime(2026, 11, 30, 1, 8, 9, 10, 123)),
            (0x0f, guid.ToByteArray()),
            (0x10, U64(0x3e7)),
            (0x14, BitConverter.GetBytes(0xc0000005u)),
            (0x00, []),
            (0x15, U64(0x0080000000000000)),
            (0x0e, [0xd9, 0x06, 0x00, 0x00]),
            (0x88, [.. BitConverter.GetBytes(7u), .. BitConverter.GetBytes(4000000000u)]));

        var reader = new EvtxReader(new MemoryStream(file));
        var record = Assert.Single(reader.ReadRecords());

        Assert.Empty(reader.Problems);
        Assert.Equal("MSExchangeIMAP4", record.ProviderName);
        Assert.Equal(1102, record.EventId);
        Assert.Null(record.Qualifiers); // optional substitution without a value: attribute left out
        Assert.Equal(2, record.Level);
        Assert.Equal(0x0080000000000000ul, record.Keywords);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 41, 47, TimeSpan.Zero).AddTicks(9821281), record.TimeCreated);
        Assert.Equal(7184, record.EventRecordId);
        Assert.Equal(1, record.RecordNumber);
        Assert.Equal("Application", record.Channel);
        Assert.Equal("EXCH01\u00e9", record.Computer);
        Assert.Equal("S-1-5-21-1000-10000-1-500", record.UserId);
        Assert.Equal(
            [
                ("Words", "one", EvtxValueType.String), ("Words", "two", EvtxValueType.String), ("Words", "three", EvtxValueType.String),
                ("Mixed", "a&b A 2.5", EvtxValueType.Real64),
                ("Flag", "true", EvtxValueType.Bool),
                ("When", "2026-11-30T08:09:10.123000000Z", EvtxValueType.SystemTime),
                ("Id", "{82C6A580-0C4C-48BD-A0AC-6D3DE58FDABB}", EvtxValueType.Guid),
                ("Size", "0x3e7", EvtxValueType.SizeT),
                ("Hex", "0xc0000005", EvtxValueType.HexInt32),
                ("Code", "x < y && z", EvtxValueType.Null),
                ("Bytes", "D9060000", EvtxValueType.Binary),
                ("Numbers", "7", EvtxValueType.UInt32), ("Numbers", "4000000000", EvtxValueType.UInt32),
            ],
            record.EventData.Select(d => (d.Name, d.Value, d.Type)));
        Assert.DoesNotContain(record.EventData, d => d.Element == "Binary"); // optional, no value: not created

        var xml = record.ToXml();
        Assert.Contains("<TimeCreated SystemTime=\"2026-11-30T08:41:47.982128100Z\"/>", xml, StringComparison.Ordinal);
        Assert.Contains("<EventID>1102</EventID>", xml, StringComparison.Ordinal);
        Assert.Contains("<Data Name=\"Mixed\">a&amp;b A 2.5</Data>", xml, StringComparison.Ordinal);
        Assert.Contains("<Data Name=\"Code\"><![CDATA[x < y && z]]></Data>", xml, StringComparison.Ordinal);
        Assert.Contains("<?Target some data?>", xml, StringComparison.Ordinal);
        var document = new XmlDocument { XmlResolver = null };
        document.LoadXml(xml);
        Assert.Equal("Event", document.DocumentElement!.LocalName);
    }

    [Fact]
    public void ToXml_ControlCharactersAndCarriageReturns_StayWellFormedAndLossless()
    {
        var file = SyntheticEvtx.Build(
            t => t.Element("Event", content: c => c.Element("EventData", content: d => d.Element("Data", content: e => e.Substitution(0, 0x01)))),
            (0x01, Utf16("line1\r\nline2\u0001<tag>")));

        var record = Assert.Single(new EvtxReader(new MemoryStream(file)).ReadRecords());
        var document = new XmlDocument { XmlResolver = null };
        document.LoadXml(record.ToXml());

        Assert.Equal("line1\r\nline2\u0001<tag>", record.EventData[0].Value);
        Assert.Equal("line1\r\nline2\uFFFD<tag>", document.DocumentElement!.InnerText);
    }

    [Fact]
    public void HasSignature_EvtxMagic_IsRecognisedWhateverTheFileName()
    {
        Assert.True(EvtxReader.HasSignature(SyntheticEvtx.Build(t => t.Element("Event"))));
        Assert.False(EvtxReader.HasSignature("<Event xmlns="u8));
        Assert.False(EvtxReader.HasSignature("ElfFile"u8));
    }

    private static byte[] Utf16(string text) => Encoding.Unicode.GetBytes(text);

    private static byte[] U16(ushort value) => BitConverter.GetBytes(value);

    private static byte[] U64(ulong value) => BitConverter.GetBytes(value);

    private static byte[] SystemTime(int year, int month, int day, int dayOfWeek, int hour, int minute, int second, int millisecond)
    {
        var bytes = new byte[16];
        int[] parts = [year, month, dayOfWeek, day, hour, minute, second, millisecond];
        for (var i = 0; i < parts.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), (ushort)parts[i]);
        }

        return bytes;
    }
}
