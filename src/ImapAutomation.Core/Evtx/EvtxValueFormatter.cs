using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace ImapAutomation.Core.Evtx;

/// <summary>
/// Formats substitution values the way Windows renders them in event XML (wevtutil, Event Viewer): decimal
/// integers, hexadecimal as <c>0x</c> plus lower-case digits without padding, GUIDs upper-case in braces, binary as
/// upper-case hex, times as UTC ISO 8601 with nine fractional digits.
/// </summary>
internal static class EvtxValueFormatter
{
    private static readonly Encoding Ansi = CreateAnsi();

    public static string Format(EvtxValueType type, ReadOnlySpan<byte> data) => type switch
    {
        EvtxValueType.Null => string.Empty,
        EvtxValueType.String => Utf16(data),
        EvtxValueType.AnsiString => AnsiString(data),
        EvtxValueType.Int8 when data.Length >= 1 => ((sbyte)data[0]).ToString(CultureInfo.InvariantCulture),
        EvtxValueType.UInt8 when data.Length >= 1 => data[0].ToString(CultureInfo.InvariantCulture),
        EvtxValueType.Int16 when data.Length >= 2 => BinaryPrimitives.ReadInt16LittleEndian(data).ToString(CultureInfo.InvariantCulture),
        EvtxValueType.UInt16 when data.Length >= 2 => BinaryPrimitives.ReadUInt16LittleEndian(data).ToString(CultureInfo.InvariantCulture),
        EvtxValueType.Int32 when data.Length >= 4 => BinaryPrimitives.ReadInt32LittleEndian(data).ToString(CultureInfo.InvariantCulture),
        EvtxValueType.UInt32 when data.Length >= 4 => BinaryPrimitives.ReadUInt32LittleEndian(data).ToString(CultureInfo.InvariantCulture),
        EvtxValueType.Int64 when data.Length >= 8 => BinaryPrimitives.ReadInt64LittleEndian(data).ToString(CultureInfo.InvariantCulture),
        EvtxValueType.UInt64 when data.Length >= 8 => BinaryPrimitives.ReadUInt64LittleEndian(data).ToString(CultureInfo.InvariantCulture),
        EvtxValueType.Real32 when data.Length >= 4 => BinaryPrimitives.ReadSingleLittleEndian(data).ToString("R", CultureInfo.InvariantCulture),
        EvtxValueType.Real64 when data.Length >= 8 => BinaryPrimitives.ReadDoubleLittleEndian(data).ToString("R", CultureInfo.InvariantCulture),
        EvtxValueType.Bool when data.Length >= 4 => BinaryPrimitives.ReadInt32LittleEndian(data) != 0 ? "true" : "false",
        EvtxValueType.Bool when data.Length >= 1 => data[0] != 0 ? "true" : "false",
        EvtxValueType.Binary => Convert.ToHexString(data),
        EvtxValueType.Guid when data.Length >= 16 => FormatGuid(data),
        EvtxValueType.SizeT when data.Length >= 8 => Hex(BinaryPrimitives.ReadUInt64LittleEndian(data)),
        EvtxValueType.SizeT when data.Length >= 4 => Hex(BinaryPrimitives.ReadUInt32LittleEndian(data)),
        EvtxValueType.FileTime when data.Length >= 8 => FormatFileTime(BinaryPrimitives.ReadInt64LittleEndian(data)),
        EvtxValueType.SystemTime when data.Length >= 16 => FormatSystemTime(data),
        EvtxValueType.Sid => FormatSid(data),
        EvtxValueType.HexInt32 when data.Length >= 4 => Hex(BinaryPrimitives.ReadUInt32LittleEndian(data)),
        EvtxValueType.HexInt64 when data.Length >= 8 => Hex(BinaryPrimitives.ReadUInt64LittleEndian(data)),
        _ => Convert.ToHexString(data),
    };

    /// <summary>Splits an array value (type with 0x80) into its formatted items.</summary>
    public static List<string> FormatArray(EvtxValueType type, ReadOnlySpan<byte> data)
    {
        var itemType = type & ~EvtxValueType.ArrayFlag;
        var items = new List<string>();
        switch (itemType)
        {
            case EvtxValueType.String:
            {
                var chars = MemoryMarshal.Cast<byte, char>(data[..(data.Length & ~1)]);
                SplitOnNul(chars, items);
                break;
            }

            case EvtxValueType.AnsiString:
            {
                var text = Ansi.GetString(data);
                SplitOnNul(text, items);
                break;
            }

            case EvtxValueType.Sid:
                for (var pos = 0; pos + 8 <= data.Length;)
                {
                    var size = 8 + (data[pos + 1] * 4);
                    if (pos + size > data.Length)
                    {
                        break;
                    }

                    items.Add(FormatSid(data.Slice(pos, size)));
                    pos += size;
                }

                break;
            default:
            {
                var size = FixedSize(itemType);
                if (size == 0)
                {
                    items.Add(Convert.ToHexString(data));
                    break;
                }

                for (var pos = 0; pos + size <= data.Length; pos += size)
                {
                    items.Add(Format(itemType, data.Slice(pos, size)));
                }

                break;
            }
        }

        return items;
    }

    /// <summary>Whether a value of this type repeats its element once per item (libyal: not for binary data).</summary>
    public static bool IsArray(EvtxValueType type) =>
        (type & EvtxValueType.ArrayFlag) != 0 && (type & ~EvtxValueType.ArrayFlag) is not (EvtxValueType.Binary or EvtxValueType.BinXml);

    private static int FixedSize(EvtxValueType type) => type switch
    {
        EvtxValueType.Int8 or EvtxValueType.UInt8 => 1,
        EvtxValueType.Int16 or EvtxValueType.UInt16 => 2,
        EvtxValueType.Int32 or EvtxValueType.UInt32 or EvtxValueType.Real32 or EvtxValueType.Bool or EvtxValueType.HexInt32 => 4,
        EvtxValueType.Int64 or EvtxValueType.UInt64 or EvtxValueType.Real64 or EvtxValueType.FileTime or EvtxValueType.HexInt64 or EvtxValueType.SizeT => 8,
        EvtxValueType.Guid or EvtxValueType.SystemTime => 16,
        _ => 0,
    };

    private static void SplitOnNul(ReadOnlySpan<char> chars, List<string> items)
    {
        // Each item ends with a NUL; a trailing NUL does not start an empty item.
        while (!chars.IsEmpty)
        {
            var end = chars.IndexOf('\0');
            if (end < 0)
            {
                items.Add(new string(chars));
                break;
            }

            items.Add(new string(chars[..end]));
            chars = chars[(end + 1)..];
        }
    }

    private static string Utf16(ReadOnlySpan<byte> data)
    {
        var chars = MemoryMarshal.Cast<byte, char>(data[..(data.Length & ~1)]);
        var nul = chars.IndexOf('\0');
        return new string(nul >= 0 ? chars[..nul] : chars);
    }

    private static string AnsiString(ReadOnlySpan<byte> data)
    {
        var nul = data.IndexOf((byte)0);
        return Ansi.GetString(nul >= 0 ? data[..nul] : data);
    }

    private static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    private static string FormatGuid(ReadOnlySpan<byte> data) =>
        new Guid(data[..16]).ToString("B", CultureInfo.InvariantCulture).ToUpperInvariant();

    internal static string FormatFileTime(long fileTime)
    {
        // 100 ns ticks since 1601; DateTime covers 1601..9999, anything beyond is shown raw rather than thrown.
        if (fileTime < 0 || fileTime > DateTime.MaxValue.Ticks - DateTime.FromFileTimeUtc(0).Ticks)
        {
            return Hex((ulong)fileTime);
        }

        var time = DateTime.FromFileTimeUtc(fileTime);
        return time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "00Z";
    }

    private static string FormatSystemTime(ReadOnlySpan<byte> data)
    {
        var year = BinaryPrimitives.ReadUInt16LittleEndian(data);
        var month = BinaryPrimitives.ReadUInt16LittleEndian(data[2..]);
        var day = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        var hour = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        var minute = BinaryPrimitives.ReadUInt16LittleEndian(data[10..]);
        var second = BinaryPrimitives.ReadUInt16LittleEndian(data[12..]);
        var millisecond = BinaryPrimitives.ReadUInt16LittleEndian(data[14..]);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{year:D4}-{month:D2}-{day:D2}T{hour:D2}:{minute:D2}:{second:D2}.{millisecond:D3}000000Z");
    }

    internal static string FormatSid(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8)
        {
            return Convert.ToHexString(data);
        }

        var revision = data[0];
        var count = data[1];
        if (data.Length < 8 + (count * 4))
        {
            return Convert.ToHexString(data);
        }

        ulong authority = 0;
        for (var i = 2; i < 8; i++)
        {
            authority = (authority << 8) | data[i];
        }

        var builder = new StringBuilder(64);
        builder.Append(CultureInfo.InvariantCulture, $"S-{revision}-{authority}");
        for (var i = 0; i < count; i++)
        {
            builder.Append(CultureInfo.InvariantCulture, $"-{BinaryPrimitives.ReadUInt32LittleEndian(data[(8 + (i * 4))..])}");
        }

        return builder.ToString();
    }

    private static Encoding CreateAnsi()
    {
        // Windows-1252 is libevtx's default code page for ANSI strings; it comes from the code pages provider.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }
}
