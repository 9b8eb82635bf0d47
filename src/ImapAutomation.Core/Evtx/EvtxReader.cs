using System.Buffers.Binary;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;

namespace ImapAutomation.Core.Evtx;

/// <summary>
/// Reads the records of a Windows XML Event Log (.evtx) file from a stream, one 64 KiB chunk at a time: memory stays
/// bounded by one chunk, its names and templates, and the records of that chunk. Damage never throws: what can be
/// read is read, and everything else is listed in <see cref="Problems"/> with its chunk and file offset.
/// </summary>
/// <remarks>
/// Format as documented by libyal ("Windows XML Event Log (EVTX)") and MS-EVEN6 (binary XML). Checksums are
/// verified and mismatches reported, but a chunk with a bad checksum is still read, because every record carries its
/// own frame (signature, size and size copy) and every structure is bounds-checked: a dirty file caught mid-write
/// loses only the records that are actually damaged.
/// </remarks>
public sealed class EvtxReader
{
    public const int FileHeaderSize = 4096;
    public const int ChunkSize = 65536;
    private const int ChunkHeaderSize = 512;
    private const int RecordHeaderSize = 24;
    private const uint RecordSignature = 0x00002a2a;

    private static ReadOnlySpan<byte> FileSignature => "ElfFile\0"u8;

    private static ReadOnlySpan<byte> ChunkSignature => "ElfChnk\0"u8;

    private readonly Stream _stream;
    private readonly EvtxReaderOptions _options;
    private readonly List<EvtxProblem> _problems = [];
    private readonly BinXmlParser _parser;
    private readonly BinXmlResolver _resolver;
    private bool _started;
    private int _announcedChunks = int.MaxValue;

    // Validation reads EvtxReaderOptions's properties and their attributes by reflection: kept whole in a trimmed (native) build.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(EvtxReaderOptions))]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "EvtxReaderOptions is sealed and its properties are kept by the DynamicDependency above.")]
    public EvtxReader(Stream stream, EvtxReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _options = options ?? new EvtxReaderOptions();
        Validator.ValidateObject(_options, new ValidationContext(_options), validateAllProperties: true);
        _parser = new BinXmlParser(_options.MaxNestingDepth);
        _resolver = new BinXmlResolver(_options.MaxNodesPerRecord);
    }

    /// <summary>Problems found so far (at most <see cref="EvtxReaderOptions.MaxProblems"/>).</summary>
    public IReadOnlyList<EvtxProblem> Problems => _problems;

    /// <summary>All problems found so far, including those not kept.</summary>
    public int ProblemCount { get; private set; }

    /// <summary>Chunks (64 KiB blocks after the file header) seen so far.</summary>
    public int ChunkCount { get; private set; }

    public long BytesRead { get; private set; }

    /// <summary>The file header's dirty flag: the log was not closed cleanly.</summary>
    public bool IsDirty { get; private set; }

    /// <summary>Whether data starts with the EVTX file signature <c>ElfFile\0</c>.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> start) => start.StartsWith(FileSignature);

    public IEnumerable<EvtxRecord> ReadRecords(CancellationToken cancellationToken = default)
    {
        StartOnce();
        var header = new byte[FileHeaderSize];
        var read = _stream.ReadAtLeast(header, FileHeaderSize, throwOnEndOfStream: false);
        if (!CheckFileHeader(header, read))
        {
            yield break;
        }

        var chunk = new byte[ChunkSize];
        var records = new List<EvtxRecord>();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            read = _stream.ReadAtLeast(chunk, ChunkSize, throwOnEndOfStream: false);
            if (read == 0)
            {
                yield break;
            }

            ReadChunk(chunk, read, records);
            foreach (var record in records)
            {
                yield return record;
            }

            if (read < ChunkSize)
            {
                yield break;
            }
        }
    }

    private void StartOnce()
    {
        if (_started)
        {
            throw new InvalidOperationException("An EvtxReader reads its stream once.");
        }

        _started = true;
    }

    private bool CheckFileHeader(byte[] header, int read)
    {
        BytesRead += read;
        if (read < FileHeaderSize)
        {
            Report(EvtxProblemKind.Truncated, -1, 0, $"the file ends after {read} bytes, inside the {FileHeaderSize}-byte file header");
            return false;
        }

        if (!HasSignature(header))
        {
            Report(EvtxProblemKind.FileHeader, -1, 0, "no ElfFile signature; reading chunks anyway");
            return true;
        }

        var expected = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(124));
        var actual = Crc32.HashToUInt32(header.AsSpan(0, 120));
        if (expected != actual)
        {
            Report(EvtxProblemKind.FileHeader, -1, 124, $"file header CRC32 0x{expected:x8} does not match the computed 0x{actual:x8}");
        }

        _announcedChunks = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(42));
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(120));
        if ((flags & 1) != 0)
        {
            IsDirty = true;
            Report(EvtxProblemKind.DirtyFile, -1, 120, "the log was not closed cleanly (dirty flag); every chunk in the file is read");
        }

        return true;
    }

    private void ReadChunk(byte[] chunk, int length, List<EvtxRecord> records)
    {
        records.Clear();
        var index = ChunkCount++;
        var fileOffset = FileHeaderSize + ((long)index * ChunkSize);
        BytesRead += length;
        if (length < ChunkSize)
        {
            Report(EvtxProblemKind.Truncated, index, fileOffset + length, $"the file ends {length} bytes into this chunk; only complete records before the end are read");
        }

        if (length < ChunkHeaderSize || !chunk.AsSpan().StartsWith(ChunkSignature))
        {
            var zeroed = !chunk.AsSpan(0, length).ContainsAnyExcept((byte)0);
            if (zeroed && index >= _announcedChunks)
            {
                return; // Space Windows allocated for chunks the log never used.
            }

            Report(EvtxProblemKind.ChunkSignature, index, fileOffset, zeroed ? "zeroed block where a chunk was expected; skipped" : "no ElfChnk signature; block skipped");
            return;
        }

        var dataEnd = ChunkDataEnd(chunk, length, index, fileOffset);
        _parser.Reset(chunk, length);
        var pos = ChunkHeaderSize;
        while (pos <= dataEnd - RecordHeaderSize)
        {
            var size = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(pos + 4)), int.MaxValue);
            if (!IsRecordFrame(chunk, pos, size, dataEnd))
            {
                if (!chunk.AsSpan(pos, dataEnd - pos).ContainsAnyExcept((byte)0))
                {
                    break; // Unused space at the end of the chunk.
                }

                Report(EvtxProblemKind.RecordFrame, index, fileOffset + pos, $"no valid record frame (signature, size {size}, size copy) at chunk offset 0x{pos:x}; scanning on");
                var next = FindNextRecord(chunk, pos + 1, dataEnd);
                if (next < 0)
                {
                    break;
                }

                pos = next;
                continue;
            }

            ReadRecord(chunk, pos, size, index, fileOffset, records);
            pos += size;
        }
    }

    /// <summary>Checks the chunk's checksums and returns where its record data ends.</summary>
    /// <remarks>
    /// The free-space offset is used even when the header checksum fails, as long as it lies inside the chunk:
    /// beyond it lie stale records from before the chunk was reused, which must not be read as current events.
    /// </remarks>
    private int ChunkDataEnd(byte[] chunk, int length, int index, long fileOffset)
    {
        var crc = new Crc32();
        crc.Append(chunk.AsSpan(0, 120));
        crc.Append(chunk.AsSpan(128, ChunkHeaderSize - 128));
        var expected = BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(124));
        var actual = crc.GetCurrentHashAsUInt32();
        if (expected != actual)
        {
            Report(EvtxProblemKind.ChunkChecksum, index, fileOffset + 124, $"chunk header CRC32 0x{expected:x8} does not match the computed 0x{actual:x8}; reading its records anyway");
        }

        var freeSpace = BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(48));
        if (freeSpace < ChunkHeaderSize || freeSpace > ChunkSize)
        {
            Report(EvtxProblemKind.ChunkChecksum, index, fileOffset + 48, $"free space offset 0x{freeSpace:x} is outside the chunk; reading records up to the end of the data");
            return length;
        }

        if (freeSpace > length)
        {
            return length; // Truncated: already reported.
        }

        var expectedData = BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(52));
        var actualData = Crc32.HashToUInt32(chunk.AsSpan(ChunkHeaderSize, (int)freeSpace - ChunkHeaderSize));
        if (expectedData != actualData)
        {
            Report(EvtxProblemKind.ChunkChecksum, index, fileOffset + 52, $"record data CRC32 0x{expectedData:x8} does not match the computed 0x{actualData:x8}; reading its records anyway");
        }

        return (int)freeSpace;
    }

    private static bool IsRecordFrame(byte[] chunk, int pos, int size, int dataEnd) =>
        BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(pos)) == RecordSignature
        && size >= RecordHeaderSize + 4
        && size <= dataEnd - pos
        && BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(pos + size - 4)) == (uint)size;

    private static int FindNextRecord(byte[] chunk, int from, int dataEnd)
    {
        ReadOnlySpan<byte> signature = [0x2a, 0x2a, 0x00, 0x00];
        while (from <= dataEnd - RecordHeaderSize)
        {
            var found = chunk.AsSpan(from, dataEnd - from).IndexOf(signature);
            if (found < 0)
            {
                return -1;
            }

            var pos = from + found;
            if (pos > dataEnd - RecordHeaderSize)
            {
                return -1;
            }

            var size = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(pos + 4)), int.MaxValue);
            if (IsRecordFrame(chunk, pos, size, dataEnd))
            {
                return pos;
            }

            from = pos + 1;
        }

        return -1;
    }

    private void ReadRecord(byte[] chunk, int pos, int size, int index, long fileOffset, List<EvtxRecord> records)
    {
        var recordId = BinaryPrimitives.ReadInt64LittleEndian(chunk.AsSpan(pos + 8));
        try
        {
            var document = _parser.ParseDocument(pos + RecordHeaderSize, pos + size - 4, depth: 0);
            var root = _resolver.Resolve(chunk, document, pos);
            if (root is null)
            {
                Report(EvtxProblemKind.RecordContent, index, fileOffset + pos, $"record {recordId} holds no element");
                return;
            }

            var written = BinaryPrimitives.ReadInt64LittleEndian(chunk.AsSpan(pos + 16));
            records.Add(new EvtxRecord(recordId, ToTime(written), index, fileOffset + pos, root));
        }
        catch (EvtxFormatException ex)
        {
            Report(EvtxProblemKind.RecordContent, index, fileOffset + ex.ChunkOffset, $"record {recordId} at chunk offset 0x{pos:x}: {ex.Message}");
        }
    }

    private static DateTimeOffset ToTime(long fileTime) =>
        fileTime >= 0 && fileTime <= DateTime.MaxValue.ToFileTimeUtc()
            ? new DateTimeOffset(DateTime.FromFileTimeUtc(fileTime))
            : DateTimeOffset.MinValue;

    private void Report(EvtxProblemKind kind, int chunkIndex, long fileOffset, string message)
    {
        ProblemCount++;
        if (_problems.Count < _options.MaxProblems)
        {
            _problems.Add(new EvtxProblem(kind, chunkIndex, fileOffset, message));
        }
    }
}
