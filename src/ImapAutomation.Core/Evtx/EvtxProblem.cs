namespace ImapAutomation.Core.Evtx;

/// <summary>What kind of damage the reader found; every kind is reported and reading goes on where it can.</summary>
public enum EvtxProblemKind
{
    /// <summary>The file header's signature or checksum is wrong; chunks are still read.</summary>
    FileHeader,

    /// <summary>The file was not closed cleanly (dirty flag); its header counts may be stale, so every chunk is read.</summary>
    DirtyFile,

    /// <summary>A 64 KiB block after the header is not a chunk (no signature); it is skipped.</summary>
    ChunkSignature,

    /// <summary>A chunk's header or record-data CRC32 does not match; its records are still read one by one.</summary>
    ChunkChecksum,

    /// <summary>A record's frame (signature, size, size copy) is broken; the rest of the chunk is scanned for records.</summary>
    RecordFrame,

    /// <summary>A record's binary XML cannot be decoded; the record is skipped.</summary>
    RecordContent,

    /// <summary>The file ends inside a chunk; the complete records before the end are read.</summary>
    Truncated,
}

/// <summary>One problem found while reading: where (chunk index and file offset) and what.</summary>
public sealed record EvtxProblem(EvtxProblemKind Kind, int ChunkIndex, long FileOffset, string Message)
{
    public override string ToString() =>
        ChunkIndex < 0
            ? $"{Kind} at file offset 0x{FileOffset:x}: {Message}"
            : $"{Kind} in chunk {ChunkIndex} at file offset 0x{FileOffset:x}: {Message}";
}
