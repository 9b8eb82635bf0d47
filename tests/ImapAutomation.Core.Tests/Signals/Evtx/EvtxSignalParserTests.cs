using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Detection;
using ImapAutomation.Core.Evtx;
using ImapAutomation.Core.Signals;
using ImapAutomation.Core.Signals.Evtx;
using ImapAutomation.Core.Tests.Evtx;
using static ImapAutomation.Core.Tests.Signals.SignalParsing;

namespace ImapAutomation.Core.Tests.Signals.Evtx;

public sealed class EvtxSignalParserTests
{
    /// <summary>Record frames of the corpus file (from its chunk header and record sizes): 1 at 4608, 2 at 8744, 3 at 11808, 4 at 14640.</summary>
    private const int SecondRecordOffset = 8744;
    private const int ThirdRecordOffset = 11808;

    private static string CorpusEvtx => Path.Combine(EvtxConformanceTests.CorpusRoot, "windows-events", "ID6-Failed_to_install_an_Exchange_transport_agent.evtx");

    private static byte[] ReadCorpusEvtx()
    {
        Skip.IfNot(File.Exists(CorpusEvtx), $"corpus file missing: {CorpusEvtx} (the shared folder beside the repository is absent)");
        return File.ReadAllBytes(CorpusEvtx);
    }

    [SkippableFact]
    public async Task OpenAsync_CorpusEvtx_IsToldByItsMagicAndYieldsEveryEventWithItsFields()
    {
        var (format, items) = await ReadAsync(ReadCorpusEvtx());

        Assert.Equal(SignalFormat.Evtx, format);
        Assert.Equal("evtx", format.ToName());
        Assert.Empty(items.Rejections());
        var events = items.Events();
        Assert.Equal(4, events.Count);
        var first = events[0];
        Assert.Equal(("exchange01.offsec.lan", "MSExchange CmdletLogs", 6), (first.Server, first.Provider, first.EventId));
        Assert.Equal((49152, 2, "MSExchange Management"), (first.Qualifiers, first.Level, first.Channel));
        Assert.Equal(7184, first.RecordId);
        Assert.Equal(new DateTimeOffset(2021, 6, 4, 8, 41, 47, TimeSpan.Zero).AddTicks(9821281), first.Time);
        Assert.Empty(first.NamedData);
        Assert.Equal("Install-TransportAgent", first.PositionalData[0]);
        Assert.Equal("-Name \"Evil\" -AssemblyPath \".\\NetshHelperBeacon.dll\" -TransportAgentFactory \"hack\"", first.PositionalData[1]);
        Assert.Equal(string.Empty, first.PositionalData[7]);
        Assert.Equal([7184L, 7185L, 7186L, 7187L], events.Select(e => e.RecordId ?? 0));
    }

    [SkippableFact]
    public async Task OpenAsync_CorpusEvtxAndItsEvtxExportXml_GiveTheSameEvents()
    {
        var (_, fromEvtx) = await ReadAsync(ReadCorpusEvtx());
        var (_, fromXml) = await ReadAsync(await File.ReadAllBytesAsync(Path.ChangeExtension(CorpusEvtx, ".evtxexport.xml")));

        Assert.Equal(4, fromXml.Events().Count);
        Assert.Equal(string.Join(Environment.NewLine, fromXml.Events().Select(Fingerprint)), string.Join(Environment.NewLine, fromEvtx.Events().Select(Fingerprint)));
    }

    [SkippableFact]
    public async Task OpenAsync_TruncatedEvtx_RejectsWithChunkAndOffsetAndKeepsTheCompleteRecords()
    {
        var truncated = ReadCorpusEvtx()[..(ThirdRecordOffset + 100)];

        var (format, items) = await ReadAsync(truncated);

        Assert.Equal(SignalFormat.Evtx, format);
        Assert.Equal([7184L, 7185L], items.Events().Select(e => e.RecordId ?? 0));
        Assert.All(items.Rejections(), r => Assert.StartsWith("chunk 0, offset ", r.Location, StringComparison.Ordinal));
        Assert.Contains(items.Rejections(), r => r.Location == $"chunk 0, offset {ThirdRecordOffset}");
        Assert.Contains(items.Rejections(), r => r.Reason.StartsWith("the file ends", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task OpenAsync_CorruptedRecordFrame_RejectsThatRecordWithItsOffsetAndReadsTheOthers()
    {
        var corrupted = ReadCorpusEvtx();
        corrupted[SecondRecordOffset] = 0; // the record signature "**\0\0"

        var (_, items) = await ReadAsync(corrupted);

        Assert.Contains(items.Rejections(), r => r.Location == $"chunk 0, offset {SecondRecordOffset}");
        Assert.All(items.Rejections(), r => Assert.StartsWith("chunk 0, offset ", r.Location, StringComparison.Ordinal));
        var ids = items.Events().Select(e => e.RecordId ?? 0).ToList();
        Assert.Contains(7184L, ids);
        Assert.DoesNotContain(7185L, ids);
    }

    [SkippableFact]
    public async Task OpenAsync_StreamThatForbidsSynchronousReads_IsReadAsynchronously()
    {
        using var stream = new AsyncOnlyStream(ReadCorpusEvtx());
        using var input = await SignalReader.OpenAsync(stream);
        var events = 0;
        await foreach (var item in input.ReadAsync())
        {
            events += item is SignalEvent ? 1 : 0;
            Assert.IsNotType<SignalRejection>(item);
        }

        Assert.Equal(SignalFormat.Evtx, input.Format);
        Assert.Equal(4, events);
    }

    [SkippableFact]
    public async Task OpenAsync_DirtyFlag_IsANoticeAndNothingIsRejected()
    {
        var dirty = ReadCorpusEvtx();
        dirty[120] |= 1;
        BinaryPrimitives.WriteUInt32LittleEndian(dirty.AsSpan(124), Crc32.HashToUInt32(dirty.AsSpan(0, 120)));

        var (_, items) = await ReadAsync(dirty);

        Assert.Equal(4, items.Events().Count);
        Assert.Empty(items.Rejections());
        var notice = Assert.Single(items.OfType<SignalNotice>());
        Assert.Equal("file header, offset 120", notice.Location);
    }

    [SkippableFact]
    public async Task OpenAsync_MoreProblemsThanKept_SumsUpTheRestInOneRejection()
    {
        var truncated = ReadCorpusEvtx()[..(ThirdRecordOffset + 100)];
        var options = new SignalReaderOptions { Evtx = new EvtxReaderOptions { MaxProblems = 1 } };

        var (_, items) = await ReadAsync(truncated, options);

        Assert.Equal(2, items.Events().Count);
        var rejections = items.Rejections();
        Assert.Equal(2, rejections.Count);
        Assert.StartsWith("chunk 0, offset ", rejections[0].Location, StringComparison.Ordinal);
        Assert.Equal(("file", "1 further problems found by the .evtx reader and not listed"), (rejections[1].Location, rejections[1].Reason));
    }

    [SkippableFact]
    public void ToSignal_EveryCorpusRecord_MatchesTheXmlParserOnItsXmlRendering()
    {
        var files = EvtxConformanceTests.CorpusFiles();
        // The whole-corpus comparison needs ../shared; a fresh clone only has the one-file excerpt in tests/shared.
        Skip.If(files.Count < 10, $"only {files.Count} .evtx file(s) under {EvtxConformanceTests.CorpusRoot}: the full corpus (../shared) is absent");
        var compared = 0;
        var differences = new List<string>();
        foreach (var file in files)
        {
            using var stream = File.OpenRead(file);
            foreach (var record in new EvtxReader(stream).ReadRecords())
            {
                var direct = EvtxSignalParser.ToSignal(record);
                var (_, viaXml) = ReadAsync(record.ToXml()).GetAwaiter().GetResult();
                var expected = Assert.Single(viaXml);
                var same = (direct, expected) switch
                {
                    // An event without System/EventRecordID keeps the record header's number (the XML has none).
                    (SignalEvent a, SignalEvent b) => Fingerprint(b.RecordId is null && a.RecordId == record.RecordNumber ? a with { RecordId = null } : a) == Fingerprint(b),
                    (SignalRejection, SignalRejection) => true,
                    _ => false,
                };
                if (!same && differences.Count < 10)
                {
                    differences.Add($"{Path.GetFileName(file)} record {record.EventRecordId}: evtx {Describe(direct)} / xml {Describe(expected)}");
                }

                compared++;
            }
        }

        Assert.True(compared > 1000, $"only {compared} records compared");
        Assert.True(differences.Count == 0, string.Join(Environment.NewLine, differences));
    }

    [Fact]
    public async Task OpenAsync_ConstructedSchannelAndImapEvtx_RaiseTheDocumentedIncidents()
    {
        var correlator = new DetectionCorrelator();
        foreach (var file in new[]
        {
            ConstructedEvtx("Schannel", 36888, "EXCH01.contoso.com", ("AlertDesc", "51"), ("ErrorState", "900")),
            ConstructedEvtx("MSExchangeIMAP4", 1102, "EXCH01.contoso.com"),
            ConstructedEvtx("Schannel", 36888, "EXCH02.contoso.com", ("AlertDesc", "40"), ("ErrorState", "1205")),
        })
        {
            var (format, items) = await ReadAsync(file);
            Assert.Equal(SignalFormat.Evtx, format);
            Assert.Empty(items.Rejections());
            correlator.Add(Assert.Single(items.Events()));
        }

        var incidents = correlator.TakeAll().OrderBy(d => d.Server, StringComparer.Ordinal).ToList();

        Assert.Equal(2, incidents.Count);
        Assert.Equal(("exch01.contoso.com", IncidentKind.ImapCertificateBinding, 2L), (incidents[0].Server, incidents[0].Kind, incidents[0].EventCount));
        Assert.Equal(("exch02.contoso.com", IncidentKind.TlsHandshakeFailure), (incidents[1].Server, incidents[1].Kind));
        var tls = Assert.Single(incidents[1].Evidence);
        Assert.Equal((40, "1205"), (tls.TlsAlert, tls.ErrorState));
    }

    [Fact]
    public void ToSignal_UserDataLeaves_AreNamedDataAndAttributesAreNot()
    {
        var file = SyntheticEvtx.Build(t => t.Element("Event", content: c => c
            .Element("System", content: s => s
                .Element("Provider", a => a.Attribute("Name", v => v.Text("Microsoft-Windows-Eventlog")))
                .Element("EventID", content: e => e.Text("1102"))
                .Element("TimeCreated", a => a.Attribute("SystemTime", v => v.Text("2026-11-30T12:00:00.000000000Z")))
                .Element("Computer", content: e => e.Text(" DC01.contoso.com ")))
            .Element("UserData", content: u => u
                .Element("LogFileCleared", a => a.Attribute("xmlns", v => v.Text("http://manifests.microsoft.com/win/2004/08/windows/eventlog")), l => l
                    .Element("SubjectUserName", content: e => e.Text("admin"))
                    .Element("Detail", a => a.Attribute("Code", v => v.Text("7")), d => d.Element("Reason", content: e => e.Text("cleared")))))));

        var record = Assert.Single(new EvtxReader(new MemoryStream(file)).ReadRecords());
        var signal = Assert.IsType<SignalEvent>(EvtxSignalParser.ToSignal(record));

        Assert.Equal(("DC01.contoso.com", "Microsoft-Windows-Eventlog", 1102), (signal.Server, signal.Provider, signal.EventId));
        Assert.Equal(new Dictionary<string, string> { ["SubjectUserName"] = "admin", ["Reason"] = "cleared" }, signal.NamedData);
        Assert.Empty(signal.PositionalData);
    }

    [Fact]
    public void ToSignal_NoProvider_IsRejectedWithChunkAndOffset()
    {
        var file = SyntheticEvtx.Build(t => t.Element("Event", content: c => c
            .Element("System", content: s => s.Element("EventID", content: e => e.Text("1")))));

        var record = Assert.Single(new EvtxReader(new MemoryStream(file)).ReadRecords());
        var rejection = Assert.IsType<SignalRejection>(EvtxSignalParser.ToSignal(record));

        Assert.Equal($"chunk 0, offset {record.FileOffset}", rejection.Location);
        Assert.EndsWith("the event has no System/Provider@Name", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_ChunkSignatureWithoutFileHeader_IsStillRejectedAsBinary()
    {
        var bytes = new byte[8192];
        "ElfChnk\0"u8.CopyTo(bytes);

        var (format, items) = await ReadAsync(bytes);

        Assert.Equal(SignalFormat.Unknown, format);
        Assert.Contains("binary", Assert.Single(items.Rejections()).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_EvtxHeaderOnly_RejectsTheTruncatedHeaderWithItsOffset()
    {
        var header = SyntheticEvtx.Build(t => t.Element("Event"))[..1000];

        var (format, items) = await ReadAsync(header);

        Assert.Equal(SignalFormat.Evtx, format);
        Assert.Empty(items.Events());
        Assert.Equal("file header, offset 0", Assert.Single(items.Rejections()).Location);
    }

    /// <summary>A one-event .evtx written with the binary XML tokens Windows uses, values substituted as UTF-16 strings.</summary>
    internal static byte[] ConstructedEvtx(string provider, int eventId, string computer, params (string Name, string Value)[] data)
    {
        var values = new List<(byte, byte[])>
        {
            (0x01, Utf16(provider)),
            (0x06, BitConverter.GetBytes((ushort)eventId)),
            (0x11, BitConverter.GetBytes(new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc).ToFileTimeUtc())),
            (0x01, Utf16(computer)),
        };
        values.AddRange(data.Select(d => ((byte)0x01, Utf16(d.Value))));
        return SyntheticEvtx.Build(
            t => t.Element("Event", a => a.Attribute("xmlns", v => v.Text(Ns)), c => c
                .Element("System", content: s => s
                    .Element("Provider", a => a.Attribute("Name", v => v.Substitution(0, 0x01)))
                    .Element("EventID", content: e => e.Substitution(1, 0x06))
                    .Element("Level", content: e => e.Text("2"))
                    .Element("TimeCreated", a => a.Attribute("SystemTime", v => v.Substitution(2, 0x11)))
                    .Element("Channel", content: e => e.Text(provider == "Schannel" ? "System" : "Application"))
                    .Element("Computer", content: e => e.Substitution(3, 0x01)))
                .Element("EventData", content: d =>
                {
                    for (var i = 0; i < data.Length; i++)
                    {
                        var (name, index) = (data[i].Name, 4 + i);
                        d.Element("Data", a => a.Attribute("Name", v => v.Text(name)), e => e.Substitution(index, 0x01));
                    }
                })),
            [.. values]);
    }

    private static byte[] Utf16(string text) => Encoding.Unicode.GetBytes(text);

    /// <summary>The fields the rules read, with line ends as XML normalises them and characters XML cannot hold as the
    /// XML writer replaces them (the binary values keep both as they are).</summary>
    private static string Fingerprint(SignalEvent e) =>
        Lf(string.Join(
            "|",
            e.Server, e.Provider, e.EventId, e.Qualifiers, e.Level, e.RecordId, e.Channel, e.Time.UtcTicks,
            string.Join(";", e.NamedData.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")),
            string.Join(";", e.PositionalData)));

    private static string Lf(string text)
    {
        var chars = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsSurrogate(chars[i]) ? !(i + 1 < chars.Length && char.IsSurrogatePair(chars[i], chars[i + 1]) && ++i > 0) : !System.Xml.XmlConvert.IsXmlChar(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }

    private static string Describe(SignalItem item) => item switch
    {
        SignalEvent e => Fingerprint(e),
        SignalRejection r => $"rejected: {r.Reason}",
        _ => item.ToString(),
    };

    /// <summary>Like a Kestrel request body with AllowSynchronousIO off: synchronous reads throw.</summary>
    private sealed class AsyncOnlyStream(byte[] bytes) : ForwardReadStream
    {
        private readonly MemoryStream _bytes = new(bytes);

        public override int Read(Span<byte> buffer) => throw new InvalidOperationException("synchronous read");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(_bytes.Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(_bytes.Read(buffer, offset, count));

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _bytes.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
