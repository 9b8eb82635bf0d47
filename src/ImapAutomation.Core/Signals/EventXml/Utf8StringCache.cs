using System.Buffers.Binary;
using System.Text;

namespace ImapAutomation.Core.Signals.EventXml;

/// <summary>
/// Turns the UTF-8 values a storm repeats in every event (providers, servers, channels, data names, small codes) into
/// one shared string each, so parsing allocates them once. A fixed direct-mapped table: a collision just replaces the
/// slot, so hostile input with endless distinct values costs the plain allocation and never more memory.
/// </summary>
internal sealed class Utf8StringCache
{
    private const int Slots = 4096;
    private const int MaxLength = 64;
    private readonly byte[]?[] _keys = new byte[]?[Slots];
    private readonly string?[] _values = new string?[Slots];

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength || utf8.IsEmpty)
        {
            return utf8.IsEmpty ? string.Empty : Encoding.UTF8.GetString(utf8);
        }

        var slot = (int)(Hash(utf8) & (Slots - 1));
        if (_keys[slot] is { } key && utf8.SequenceEqual(key))
        {
            return _values[slot]!;
        }

        var value = Encoding.UTF8.GetString(utf8);
        _keys[slot] = utf8.ToArray();
        _values[slot] = value;
        return value;
    }

    /// <summary>A cheap multiplicative hash over 8-byte words; only spreads slots, equality is always checked.</summary>
    private static ulong Hash(ReadOnlySpan<byte> s)
    {
        var h = (ulong)s.Length * 0x9E3779B97F4A7C15UL;
        while (s.Length >= 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(s)) * 0xFF51AFD7ED558CCDUL;
            s = s[8..];
        }

        ulong tail = 0;
        for (var i = 0; i < s.Length; i++)
        {
            tail |= (ulong)s[i] << (8 * i);
        }

        h = (h ^ tail) * 0xC4CEB9FE1A85EC53UL;
        return h ^ (h >> 29);
    }
}
