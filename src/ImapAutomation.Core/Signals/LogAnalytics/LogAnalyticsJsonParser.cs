using System.Text.Json;
using ImapAutomation.Core.Signals.EventXml;

namespace ImapAutomation.Core.Signals.LogAnalytics;

/// <summary>Reads a Log Analytics query API response (<c>tables/columns/rows</c>, and the 200 partial-error form).</summary>
internal static class LogAnalyticsJsonParser
{
    public static bool Matches(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("tables", out var t) && t.ValueKind == JsonValueKind.Array;

    public static IEnumerable<SignalItem> Read(JsonElement root, SignalReaderOptions options)
    {
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            yield return new SignalRejection("$.error", $"the query returned a partial result: {DescribeError(error)}");
        }

        var t = 0;
        foreach (var table in root.GetProperty("tables").EnumerateArray())
        {
            var path = $"$.tables[{t++}]";
            if (!TryColumns(table, out var names) || !table.TryGetProperty("rows", out var rows) || rows.ValueKind != JsonValueKind.Array)
            {
                yield return new SignalRejection(path, "a table needs a 'columns' array of {name,type} and a 'rows' array");
                continue;
            }

            if (!EventTableColumns.TryCreate(names, out var columns, out var reason))
            {
                yield return new SignalRejection(path, $"{reason} (columns: {string.Join(", ", names.Take(12))})");
                continue;
            }

            var r = 0;
            foreach (var row in rows.EnumerateArray())
            {
                var rowPath = $"{path}.rows[{r++}]";
                if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != columns!.Count)
                {
                    yield return new SignalRejection(rowPath, $"a row must be an array of {columns!.Count} cells, one per column");
                    continue;
                }

                SignalItem item;
                try
                {
                    item = columns.Map(i => Cell(row[i]), options);
                }
                catch (EventFormatException ex)
                {
                    item = new SignalRejection(rowPath, ex.Message);
                }

                yield return item;
            }
        }
    }

    private static bool TryColumns(JsonElement table, out List<string> names)
    {
        names = [];
        if (table.ValueKind != JsonValueKind.Object || !table.TryGetProperty("columns", out var columns) || columns.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var column in columns.EnumerateArray())
        {
            if (column.ValueKind != JsonValueKind.Object || !column.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            names.Add(name.GetString()!);
        }

        return true;
    }

    private static string? Cell(JsonElement cell) => cell.ValueKind switch
    {
        JsonValueKind.String => cell.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => cell.GetRawText(),
    };

    private static string DescribeError(JsonElement error)
    {
        static string? Text(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        var parts = new List<string> { $"{Text(error, "code")}: {Text(error, "message")}" };
        if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
        {
            foreach (var detail in details.EnumerateArray())
            {
                if (detail.ValueKind == JsonValueKind.Object && detail.TryGetProperty("innererror", out var inner) && inner.ValueKind == JsonValueKind.Object)
                {
                    parts.Add(Text(inner, "message") ?? string.Empty);
                }
            }
        }

        return string.Join("; ", parts.Where(p => p.Length > 0));
    }
}
