using System.Globalization;
using System.Text.Json;

namespace ImapAutomation.Core.Incidents;

/// <summary>One value a runbook changed, as the worker's before/after state documents show it (cut to size).</summary>
/// <param name="Path">Where in the state document: <c>property.child[2]</c>.</param>
/// <param name="Before">The value before the run; null when the property was not there.</param>
/// <param name="After">The value after the run; null when the property is gone.</param>
public sealed record StateChange(string Path, string? Before, string? After);

/// <summary>
/// The compact summary of a step's before/after state kept on the incident: only the values that differ, cut to a
/// few short entries. The incident row holds the whole plan in one string column (64 KiB, 32 K characters) next to
/// everything else, and the state documents may be 8 K characters each, so each step's summary is capped by its
/// serialized size (escapes included), not by hope.
/// </summary>
internal static class StateDiff
{
    public const int MaxChanges = 6;
    public const int MaxPathLength = 60;
    public const int MaxValueLength = 100;

    /// <summary>Serialized characters one step's changes may add to the plan column; with <see cref="IncidentStateMachine.MaxPlanSteps"/> steps, well under its limit.</summary>
    public const int MaxSerializedChars = 1024;

    private const int MaxDepth = 8;
    private const char Ellipsis = '\u2026';

    /// <summary>The changed values, in document order, and how many more changed than were kept; null when the result carried no state.</summary>
    public static (List<StateChange>? Changes, int Omitted) Between(JsonElement? before, JsonElement? after)
    {
        if (IsAbsent(before) && IsAbsent(after))
        {
            return (null, 0);
        }

        var old = Flatten(before);
        var now = Flatten(after);
        var oldValues = ToLookup(old);
        var newValues = ToLookup(now);
        var paths = old.Select(p => p.Path).Concat(now.Select(p => p.Path).Where(p => !oldValues.ContainsKey(p)));
        var changes = new List<StateChange>();
        var omitted = 0;
        var size = 2;
        foreach (var path in paths)
        {
            var was = oldValues.GetValueOrDefault(path);
            var @is = newValues.GetValueOrDefault(path);
            if (string.Equals(was, @is, StringComparison.Ordinal))
            {
                continue;
            }

            var change = new StateChange(Cut(path, MaxPathLength)!, Cut(was, MaxValueLength), Cut(@is, MaxValueLength));
            var cost = JsonSerializer.Serialize(change, IncidentJsonContext.Default.StateChange).Length + 1;
            if (changes.Count >= MaxChanges || size + cost > MaxSerializedChars)
            {
                omitted++;
                continue;
            }

            changes.Add(change);
            size += cost;
        }

        return (changes, omitted);
    }

    private static bool IsAbsent(JsonElement? element) =>
        element is not { } e || e.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

    private static Dictionary<string, string?> ToLookup(List<(string Path, string? Value)> leaves)
    {
        var lookup = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (path, value) in leaves)
        {
            lookup.TryAdd(path, value);
        }

        return lookup;
    }

    private static List<(string Path, string? Value)> Flatten(JsonElement? element)
    {
        var leaves = new List<(string, string?)>();
        if (!IsAbsent(element))
        {
            Flatten(element!.Value, "", 0, leaves);
        }

        return leaves;
    }

    private static void Flatten(JsonElement element, string path, int depth, List<(string, string?)> leaves)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object when depth < MaxDepth:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, path.Length == 0 ? property.Name : path + "." + property.Name, depth + 1, leaves);
                }

                break;
            case JsonValueKind.Array when depth < MaxDepth:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]"), depth + 1, leaves);
                }

                break;
            case JsonValueKind.String:
                leaves.Add((path, element.GetString()));
                break;
            default:
                // Numbers, booleans, null, and anything nested deeper than is worth showing: its JSON text.
                leaves.Add((path, element.GetRawText()));
                break;
        }
    }

    private static string? Cut(string? value, int max) =>
        value is null || value.Length <= max
            ? value
            : string.Concat(value.AsSpan(0, char.IsHighSurrogate(value[max - 2]) ? max - 2 : max - 1), Ellipsis.ToString());
}
