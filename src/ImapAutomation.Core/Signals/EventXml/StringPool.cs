namespace ImapAutomation.Core.Signals.EventXml;

/// <summary>
/// Reuses the strings a storm repeats in every event (providers, servers, channels, data names, small codes), so
/// parsing allocates them once; bounded, so hostile input with endless distinct values only costs the plain allocation.
/// </summary>
internal sealed class StringPool
{
    private const int MaxEntries = 4096;
    private const int MaxLength = 64;
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringPool() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Get(ReadOnlySpan<char> value)
    {
        if (value.Length > MaxLength)
        {
            return value.ToString();
        }

        if (_lookup.TryGetValue(value, out var pooled))
        {
            return pooled;
        }

        var s = value.ToString();
        if (_strings.Count < MaxEntries)
        {
            _strings.Add(s, s);
        }

        return s;
    }
}
