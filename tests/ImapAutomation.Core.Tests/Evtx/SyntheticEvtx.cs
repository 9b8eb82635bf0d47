using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace ImapAutomation.Core.Tests.Evtx;

/// <summary>
/// Writes a one-record .evtx by hand, so tests can reach tokens and value types the public corpus never uses
/// (arrays, CDATA, character and entity references, processing instructions, optional substitutions).
/// Offsets are chunk-relative as in the format; names and the template definition are written inline.
/// </summary>
internal sealed class SyntheticEvtx
{
    private const int ChunkStart = 4096;
    private readonly List<byte> _chunk = [.. new byte[512]];

    public static byte[] Build(Action<SyntheticEvtx> template, params (byte Type, byte[] Data)[] values)
    {
        var builder = new SyntheticEvtx();
        var record = builder._chunk.Count;
        builder.Bytes(0x2a, 0x2a, 0, 0);
        builder.U32(0); // size, patched below
        builder.U64(1);
        builder.U64((ulong)new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc).ToFileTimeUtc());
        builder.Bytes(0x0f, 1, 1, 0, 0x0c, 1);
        builder.U32(0x1234);
        builder.U32((uint)(builder._chunk.Count + 4)); // the definition follows inline
        builder.U32(0);
        builder.Bytes(new byte[16]);
        var sizeAt = builder._chunk.Count;
        builder.U32(0);
        var bodyStart = builder._chunk.Count;
        builder.Bytes(0x0f, 1, 1, 0);
        template(builder);
        builder.Bytes(0x00);
        builder.Patch(sizeAt, (uint)(builder._chunk.Count - bodyStart));
        builder.U32((uint)values.Length);
        foreach (var (type, data) in values)
        {
            builder.U16((ushort)data.Length);
            builder.Bytes(type, 0);
        }

        foreach (var (_, data) in values)
        {
            builder.Bytes(data);
        }

        builder.Bytes(0x00);
        while (builder._chunk.Count % 8 != 4)
        {
            builder.Bytes(0x00);
        }

        var size = (uint)(builder._chunk.Count + 4 - record);
        builder.U32(size);
        builder.Patch(record + 4, size);
        return builder.File(record);
    }

    public SyntheticEvtx Element(string name, Action<SyntheticEvtx>? attributes = null, Action<SyntheticEvtx>? content = null)
    {
        Bytes((byte)(attributes is null ? 0x01 : 0x41));
        U16(0xffff);
        U32(0);
        Name(name);
        if (attributes is not null)
        {
            U32(0);
            attributes(this);
        }

        if (content is null)
        {
            Bytes(0x03);
            return this;
        }

        Bytes(0x02);
        content(this);
        Bytes(0x04);
        return this;
    }

    /// <summary>An attribute; <paramref name="last"/> clears the "more attributes follow" flag.</summary>
    public SyntheticEvtx Attribute(string name, Action<SyntheticEvtx> value, bool last = true)
    {
        Bytes((byte)(last ? 0x06 : 0x46));
        Name(name);
        value(this);
        return this;
    }

    public SyntheticEvtx Text(string text)
    {
        Bytes(0x05, 0x01);
        U16((ushort)text.Length);
        Bytes(Encoding.Unicode.GetBytes(text));
        return this;
    }

    public SyntheticEvtx CData(string text)
    {
        Bytes(0x07);
        U16((ushort)text.Length);
        Bytes(Encoding.Unicode.GetBytes(text));
        return this;
    }

    public SyntheticEvtx CharRef(char c)
    {
        Bytes(0x08);
        U16(c);
        return this;
    }

    public SyntheticEvtx EntityRef(string name)
    {
        Bytes(0x09);
        Name(name);
        return this;
    }

    public SyntheticEvtx PI(string target, string data)
    {
        Bytes(0x0a);
        Name(target);
        Bytes(0x0b);
        U16((ushort)data.Length);
        Bytes(Encoding.Unicode.GetBytes(data));
        return this;
    }

    public SyntheticEvtx Substitution(int index, byte type, bool optional = false)
    {
        Bytes((byte)(optional ? 0x0e : 0x0d));
        U16((ushort)index);
        Bytes(type);
        return this;
    }

    private void Name(string name)
    {
        U32((uint)(_chunk.Count + 4)); // inline: the name follows its own offset
        U32(0);
        U16(0);
        U16((ushort)name.Length);
        Bytes(Encoding.Unicode.GetBytes(name + "\0"));
    }

    private byte[] File(int record)
    {
        var chunk = new byte[65536];
        _chunk.CopyTo(chunk);
        "ElfChnk\0"u8.CopyTo(chunk);
        BinaryPrimitives.WriteUInt64LittleEndian(chunk.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(chunk.AsSpan(16), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(chunk.AsSpan(24), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(chunk.AsSpan(32), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(40), 128);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(44), (uint)record);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(48), (uint)_chunk.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(52), Crc32.HashToUInt32(chunk.AsSpan(512, _chunk.Count - 512)));
        var crc = new Crc32();
        crc.Append(chunk.AsSpan(0, 120));
        crc.Append(chunk.AsSpan(128, 384));
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(124), crc.GetCurrentHashAsUInt32());

        var file = new byte[ChunkStart + chunk.Length];
        "ElfFile\0"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(16), 0);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(24), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(32), 128);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(36), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(38), 3);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(40), 4096);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(42), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(124), Crc32.HashToUInt32(file.AsSpan(0, 120)));
        chunk.CopyTo(file, ChunkStart);
        return file;
    }

    private void Patch(int at, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        for (var i = 0; i < 4; i++)
        {
            _chunk[at + i] = bytes[i];
        }
    }

    private void Bytes(params byte[] bytes) => _chunk.AddRange(bytes);

    private void U16(ushort value) => Bytes((byte)value, (byte)(value >> 8));

    private void U32(uint value) => Bytes(BitConverter.GetBytes(value));

    private void U64(ulong value) => Bytes(BitConverter.GetBytes(value));
}
