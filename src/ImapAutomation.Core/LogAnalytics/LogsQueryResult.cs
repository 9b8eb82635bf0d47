using System.Text.Json;

namespace ImapAutomation.Core.LogAnalytics;

/// <summary>A query's tables and, for a 200 that only partly succeeded, the service's <c>PartialError</c>.</summary>
public sealed record LogsQueryResult(IReadOnlyList<LogsTable> Tables, LogsQueryError? PartialError, BinaryData RawBody)
{
    public LogsTable PrimaryTable => Tables.Count > 0
        ? Tables[0]
        : throw new InvalidOperationException("The query returned no table.");
}

public sealed record LogsTable(string Name, IReadOnlyList<LogsColumn> Columns, IReadOnlyList<JsonElement[]> Rows)
{
    /// <summary>The column's position by name (the service's order is not guaranteed), or -1.</summary>
    public int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i].Name, column, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}

public sealed record LogsColumn(string Name, string Type);

public sealed record LogsQueryError(string Code, string Message, IReadOnlyList<LogsQueryError> Details);
