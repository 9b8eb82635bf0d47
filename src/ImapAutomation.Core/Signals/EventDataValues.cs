using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace ImapAutomation.Core.Signals;

/// <summary>
/// The named data of one event: a few pairs in one array, looked up case-insensitively, first name wins, enumerated in
/// document order (what a <c>Dictionary</c> with only additions enumerates). Cheaper per event than a dictionary;
/// events with many names get a real dictionary instead (see <see cref="EventDataBuilder"/>).
/// </summary>
internal sealed class EventDataValues(string[] pairs) : IReadOnlyDictionary<string, string>
{
    public int Count => pairs.Length / 2;

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no data named '{key}'");

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<string> Values => this.Select(p => p.Value);

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        for (var i = 0; i < pairs.Length; i += 2)
        {
            if (string.Equals(pairs[i], key, StringComparison.OrdinalIgnoreCase))
            {
                value = pairs[i + 1];
                return true;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < pairs.Length; i += 2)
        {
            yield return new KeyValuePair<string, string>(pairs[i], pairs[i + 1]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Collects one event's data values, reused from event to event so only the finished event allocates.</summary>
internal sealed class EventDataBuilder
{
    // Above this many names a linear lookup would make hostile input quadratic: switch to a dictionary.
    private const int MaxPairs = 16;
    private readonly List<string> _pairs = [];
    private readonly List<string> _positional = [];
    private Dictionary<string, string>? _many;

    public void Clear()
    {
        _pairs.Clear();
        _positional.Clear();
        _many = null;
    }

    public void AddPositional(string value) => _positional.Add(value);

    /// <summary>Adds a named value unless the name (case-insensitive) is already there, like <c>Dictionary.TryAdd</c>.</summary>
    public void TryAddNamed(string name, string value)
    {
        if (_many is not null)
        {
            _many.TryAdd(name, value);
            return;
        }

        for (var i = 0; i < _pairs.Count; i += 2)
        {
            if (string.Equals(_pairs[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }

        if (_pairs.Count == MaxPairs * 2)
        {
            _many = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < _pairs.Count; i += 2)
            {
                _many.Add(_pairs[i], _pairs[i + 1]);
            }

            _many.Add(name, value);
            return;
        }

        _pairs.Add(name);
        _pairs.Add(value);
    }

    public IReadOnlyDictionary<string, string> Named =>
        _many is not null ? _many : _pairs.Count == 0 ? SignalEvent.EmptyNamed : new EventDataValues([.. _pairs]);

    public IReadOnlyList<string> Positional => _positional.Count == 0 ? [] : _positional.ToArray();
}
