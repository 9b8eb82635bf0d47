using System.Buffers.Binary;
using System.IO.Hashing;
using System.Xml;
using ImapAutomation.Core.Evtx;

namespace ImapAutomation.Core.Tests.Evtx;

/// <summary>Corpus files damaged on purpose: what can be read is read, the rest reported with chunk and offset.</summary>
public sealed class EvtxBadInputTests
{
    private const int Chunk0 = EvtxReader.FileHeaderSize;
    private const int FirstRecord = Chunk0 + 512;

    [SkippableFact]
    public void ReadRecords_TruncatedAnywhere_ReadsTheCompleteRecordsBeforeTheCutAndReportsIt()
    {
        var original = Sample.Exchange();
        var full = Read(original).Records;
        for (var cut = 0; cut < original.Length; cut += 1021)
        {
            var (records, reader) = Read(original[..cut]);
            Assert.Contains(reader.Problems, p => p.Kind == EvtxProblemKind.Truncated);
            Assert.Equal(full.Take(records.Count).Select(r => r.EventRecordId), records.Select(r => r.EventRecordId));
            Assert.All(records, r => Assert.True(r.FileOffset + 24 < cut));
        }

        var cutInLastRecord = (int)full[^1].FileOffset + 30;
        var (partial, partialReader) = Read(original[..cutInLastRecord]);
        Assert.Equal(full.Count - 1, partial.Count);
        var truncated = Assert.Single(partialReader.Problems, p => p.Kind == EvtxProblemKind.Truncated);
        Assert.Equal(0, truncated.ChunkIndex);
        Assert.Equal(cutInLastRecord, truncated.FileOffset);
    }

    [SkippableFact]
    public void ReadRecords_HeaderTruncated_ReportsAndReadsNothing()
    {
        var (records, reader) = Read(Sample.Exchange()[..100]);
        Assert.Empty(records);
        var problem = Assert.Single(reader.Problems);
        Assert.Equal(EvtxProblemKind.Truncated, problem.Kind);
        Assert.Equal(-1, problem.ChunkIndex);
    }

    [SkippableTheory]
    [InlineData(124, "chunk header CRC32")]
    [InlineData(52, "record data CRC32")]
    public void ReadRecords_ChunkChecksumFlipped_ReportsItAndStillReadsEveryRecord(int checksumOffset, string expected)
    {
        var data = Sample.Exchange();
        var full = Read(data).Records;
        data[Chunk0 + checksumOffset] ^= 0xff;
        if (checksumOffset != 124)
        {
            FixHeaderChecksum(data); // the header checksum covers the record-data checksum
        }

        var (records, reader) = Read(data);

        var problem = Assert.Single(reader.Problems);
        Assert.Equal(EvtxProblemKind.ChunkChecksum, problem.Kind);
        Assert.Equal(0, problem.ChunkIndex);
        Assert.Equal(Chunk0 + checksumOffset, problem.FileOffset);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
        Assert.Equal(full.Select(r => r.ToXml()), records.Select(r => r.ToXml()));
    }

    [SkippableFact]
    public void ReadRecords_FileHeaderChecksumFlipped_ReportsItAndStillReadsEveryRecord()
    {
        var data = Sample.Exchange();
        var count = Read(data).Records.Count;
        data[124] ^= 0x01;

        var (records, reader) = Read(data);

        Assert.Equal(EvtxProblemKind.FileHeader, Assert.Single(reader.Problems).Kind);
        Assert.Equal(count, records.Count);
    }

    [SkippableFact]
    public void ReadRecords_DirtyFile_ReportsItAndReadsEveryChunk()
    {
        var data = Sample.Exchange();
        var count = Read(data).Records.Count;
        data[120] |= 1;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(124), Crc32.HashToUInt32(data.AsSpan(0, 120)));

        var (records, reader) = Read(data);

        Assert.True(reader.IsDirty);
        Assert.Equal(EvtxProblemKind.DirtyFile, Assert.Single(reader.Problems).Kind);
        Assert.Equal(count, records.Count);
    }

    [SkippableFact]
    public void ReadRecords_MiddleChunkZeroed_ReportsThatChunkAndReadsTheOthers()
    {
        var data = Sample.MultiChunk();
        var full = Read(data).Records;
        Array.Clear(data, Chunk0 + EvtxReader.ChunkSize, EvtxReader.ChunkSize);

        var (records, reader) = Read(data);

        var problem = Assert.Single(reader.Problems);
        Assert.Equal(EvtxProblemKind.ChunkSignature, problem.Kind);
        Assert.Equal(1, problem.ChunkIndex);
        Assert.Equal(Chunk0 + EvtxReader.ChunkSize, problem.FileOffset);
        Assert.Equal(full.Where(r => r.ChunkIndex != 1).Select(r => r.EventRecordId), records.Select(r => r.EventRecordId));
    }

    [SkippableFact]
    public void ReadRecords_TemplateOffsetOutOfRange_SkipsThatRecordOnlyAndSaysWhere()
    {
        var data = Sample.Exchange();
        var full = Read(data).Records;
        Assert.Equal(0x0c, data[FirstRecord + 28]); // fragment header, then the template instance token
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(FirstRecord + 34), 0xfffff000);

        var (records, reader) = Read(data, fixChecksums: true);

        var problem = Assert.Single(reader.Problems);
        Assert.Equal(EvtxProblemKind.RecordContent, problem.Kind);
        Assert.Equal(0, problem.ChunkIndex);
        Assert.Equal(FirstRecord + 34, problem.FileOffset);
        Assert.Contains("outside the chunk", problem.Message, StringComparison.Ordinal);
        Assert.Equal(full.Skip(1).Select(r => r.EventRecordId), records.Select(r => r.EventRecordId));
    }

    [SkippableFact]
    public void ReadRecords_RecordSizeCorrupted_ReportsTheFrameAndScansOnToTheNextRecord()
    {
        var data = Sample.Exchange();
        var full = Read(data).Records;
        var second = FirstRecord + BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(FirstRecord + 4));
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(second + 4), 0x7fff_fff0);

        var (records, reader) = Read(data, fixChecksums: true);

        var problem = Assert.Single(reader.Problems);
        Assert.Equal(EvtxProblemKind.RecordFrame, problem.Kind);
        Assert.Equal(second, problem.FileOffset);
        Assert.Equal(full.Where((_, i) => i != 1).Select(r => r.EventRecordId), records.Select(r => r.EventRecordId));
    }

    [SkippableFact]
    public void ReadRecords_TemplateInstantiatingItself_ReportsEveryRecordUsingItAndEnds()
    {
        var data = Sample.Exchange();
        var definition = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(FirstRecord + 34));
        Assert.Equal(FirstRecord + 38 - Chunk0, definition); // the first record carries the definition inline

        // Make the definition's body (after its fragment header) a template instance of the definition itself.
        var body = Chunk0 + definition + 24 + 4;
        data[body] = 0x0c;
        data[body + 1] = 0x01;
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(body + 6), definition);

        var (records, reader) = Read(data, fixChecksums: true);

        Assert.Empty(records);
        Assert.NotEmpty(reader.Problems);
        Assert.All(reader.Problems, p =>
        {
            Assert.Equal(EvtxProblemKind.RecordContent, p.Kind);
            Assert.Contains("template", p.Message, StringComparison.Ordinal);
        });
    }

    [SkippableFact]
    public void ReadRecords_NestingLimitExceeded_ReportsInsteadOfRecursing()
    {
        var (records, reader) = Read(Sample.Exchange(), options: new EvtxReaderOptions { MaxNestingDepth = 4 });

        Assert.Empty(records);
        Assert.All(reader.Problems, p => Assert.Contains("nested deeper than 4", p.Message, StringComparison.Ordinal));
    }

    [SkippableFact]
    public void ReadRecords_ExpansionLimitExceeded_ReportsInsteadOfGrowing()
    {
        var (records, reader) = Read(Sample.Exchange(), options: new EvtxReaderOptions { MaxNodesPerRecord = 16 });

        Assert.Empty(records);
        Assert.All(reader.Problems, p => Assert.Contains("more than 16 XML nodes", p.Message, StringComparison.Ordinal));
    }

    [SkippableFact]
    public void ReadRecords_RandomByteDamage_NeverThrowsAndKeepsFramesIntact()
    {
        var original = Sample.Exchange();
        var random = new Random(20261130);
        for (var round = 0; round < 300; round++)
        {
            var data = (byte[])original.Clone();
            for (var flips = random.Next(1, 16); flips > 0; flips--)
            {
                data[random.Next(Chunk0, data.Length)] = (byte)random.Next(256);
            }

            var (records, _) = Read(data);
            foreach (var record in records)
            {
                _ = record.ToXml();
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4096)]
    [InlineData(70000)]
    public void ReadRecords_NotAnEventLog_ReportsAndReturnsNoRecords(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);

        var (records, reader) = Read(data);

        Assert.Empty(records);
        Assert.NotEmpty(reader.Problems);
        Assert.False(EvtxReader.HasSignature(data));
    }

    [SkippableFact]
    public void ToXml_EveryRecord_IsWellFormedAndCarriesTheSameValues()
    {
        foreach (var record in Read(Sample.MultiChunk()).Records.Concat(Read(Sample.Exchange()).Records))
        {
            var xml = record.ToXml();
            var document = new XmlDocument { XmlResolver = null };
            document.LoadXml(xml);
            var ns = new XmlNamespaceManager(document.NameTable);
            ns.AddNamespace("e", "http://schemas.microsoft.com/win/2004/08/events/event");
            Assert.Equal(record.EventRecordId.ToString(System.Globalization.CultureInfo.InvariantCulture), document.SelectSingleNode("/e:Event/e:System/e:EventRecordID", ns)?.InnerText);
            var data = document.SelectNodes("/e:Event/e:EventData/*", ns)!;
            Assert.Equal(record.EventData.Count, data.Count);
            for (var i = 0; i < data.Count; i++)
            {
                // XML parsers turn CR LF into LF; the writer keeps CR as a character reference so nothing is lost.
                Assert.Equal(record.EventData[i].Value, data[i]!.InnerText);
            }
        }
    }

    private static void FixHeaderChecksum(byte[] data)
    {
        var crc = new Crc32();
        crc.Append(data.AsSpan(Chunk0, 120));
        crc.Append(data.AsSpan(Chunk0 + 128, 512 - 128));
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(Chunk0 + 124), crc.GetCurrentHashAsUInt32());
    }

    private static (List<EvtxRecord> Records, EvtxReader Reader) Read(byte[] data, bool fixChecksums = false, EvtxReaderOptions? options = null)
    {
        if (fixChecksums)
        {
            // Rewrite the chunk's record-data CRC so the test sees only the damage it made on purpose.
            var freeSpace = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(Chunk0 + 48));
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(Chunk0 + 52), Crc32.HashToUInt32(data.AsSpan(Chunk0 + 512, freeSpace - 512)));
            FixHeaderChecksum(data);
        }

        var reader = new EvtxReader(new MemoryStream(data, writable: false), options);
        return ([.. reader.ReadRecords()], reader);
    }
}

/// <summary>Corpus files the bad-input tests damage (copies: the corpus itself is read-only).</summary>
internal static class Sample
{
    private static readonly Lazy<string?> MultiChunkPath = new(FindMultiChunk);

    /// <summary>A one-chunk Exchange log (MSExchange Management, 6 events).</summary>
    public static byte[] Exchange()
    {
        var path = Path.Combine(EvtxConformanceTests.CorpusRoot, "windows-events", "ID6-Failed_to_install_an_Exchange_transport_agent.evtx");
        Skip.IfNot(File.Exists(path), $"corpus file {path} is missing");
        return File.ReadAllBytes(path);
    }

    /// <summary>The first corpus file (in name order) whose records fill at least three chunks.</summary>
    public static byte[] MultiChunk()
    {
        Skip.If(MultiChunkPath.Value is null, $"no multi-chunk .evtx under {EvtxConformanceTests.CorpusRoot}");
        return File.ReadAllBytes(MultiChunkPath.Value!);
    }

    private static string? FindMultiChunk()
    {
        foreach (var file in EvtxConformanceTests.CorpusFiles())
        {
            using var stream = File.OpenRead(file);
            var reader = new EvtxReader(stream);
            if (reader.ReadRecords().Select(r => r.ChunkIndex).Distinct().Count() >= 3 && reader.ProblemCount == 0)
            {
                return file;
            }
        }

        return null;
    }
}
