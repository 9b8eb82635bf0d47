using System.Globalization;
using System.Xml;
using ImapAutomation.Core.Signals.EventXml;

namespace ImapAutomation.Core.Signals.LogAnalytics;

/// <summary>Where the Log Analytics <c>Event</c> table's columns are, found by name (any order, case-insensitive).</summary>
/// <remarks>Portal CSV exports suffix time columns with the zone (<c>TimeGenerated [UTC]</c>); the suffix is dropped.</remarks>
internal sealed class EventTableColumns
{
    private static readonly string[] Required = ["TimeGenerated", "Computer", "Source", "EventID"];

    private readonly Dictionary<string, int> _index;

    private EventTableColumns(Dictionary<string, int> index, int count)
    {
        _index = index;
        Count = count;
    }

    public int Count { get; }

    public static bool TryCreate(IReadOnlyList<string> names, out EventTableColumns? columns, out string reason)
    {
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i].Trim();
            var bracket = name.IndexOf(" [", StringComparison.Ordinal);
            index.TryAdd(bracket > 0 ? name[..bracket] : name, i);
        }

        var missing = Required.Where(r => !index.ContainsKey(r)).ToList();
        if (missing.Count > 0)
        {
            columns = null;
            reason = $"not an Event table: no {string.Join(", ", missing)} column{(missing.Count > 1 ? "s" : string.Empty)}";
            return false;
        }

        columns = new EventTableColumns(index, names.Count);
        reason = string.Empty;
        return true;
    }

    /// <summary>Builds the event from one row; <paramref name="cell"/> gives a cell's text (null when absent or JSON null).</summary>
    public SignalEvent Map(Func<int, string?> cell, SignalReaderOptions options)
    {
        string? Get(string name) => _index.TryGetValue(name, out var i) ? cell(i) : null;

        var idText = Get("EventID");
        if (!int.TryParse(idText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
        {
            throw new EventFormatException($"EventID '{EventElementReader.Truncate(idText ?? "(empty)")}' is not a number");
        }

        var timeText = Get("TimeGenerated");
        if (!EventTime.TryParse(timeText, out var time))
        {
            throw new EventFormatException($"TimeGenerated '{EventElementReader.Truncate(timeText ?? "(empty)")}' is not a time");
        }

        var source = Get("Source");
        if (string.IsNullOrWhiteSpace(source))
        {
            throw new EventFormatException("the Source column is empty");
        }

        var named = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var positional = new List<string>();
        try
        {
            EventDataFragment.Read(Get("EventData") ?? string.Empty, options, named, positional);
            if (named.Count == 0 && positional.Count == 0)
            {
                EventDataFragment.Read(Get("ParameterXml") ?? string.Empty, options, named, positional);
            }
        }
        catch (XmlException ex)
        {
            throw new EventFormatException($"EventData/ParameterXml is not well-formed XML: {ex.Message}");
        }

        var rendered = Get("RenderedDescription");
        return new SignalEvent(Get("Computer")?.Trim() ?? string.Empty, source.Trim(), id, time)
        {
            Level = int.TryParse(Get("EventLevel"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var level) ? level : null,
            Channel = Get("EventLog"),
            RenderedText = string.IsNullOrEmpty(rendered) ? Get("Message") : rendered,
            NamedData = named.Count > 0 ? named : SignalEvent.EmptyNamed,
            PositionalData = positional,
        };
    }
}
