using System.Globalization;
using ImapAutomation.Core.LogAnalytics;

namespace ImapAutomation.Core.Polling;

/// <summary>One aggregated row of the poll query.</summary>
public sealed record PollBucket(
    DateTimeOffset Bucket, string Computer, string Source, int EventId, string AlertDesc, string ErrorState,
    long Count, DateTimeOffset FirstSeen, DateTimeOffset LastSeen)
{
    /// <summary>Identifies the bucket across polls; two polls that overlap return the same key with a growing count.</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Bucket.UtcTicks}|{Computer}|{Source}|{EventId}|{AlertDesc}|{ErrorState}");

    private static readonly string[] Columns = ["Bucket", "Computer", "Source", "EventID", "AlertDesc", "ErrorState", "Count", "FirstSeen", "LastSeen"];

    /// <summary>Reads the rows of the poll query; a table that is not its shape is an error that names what is missing.</summary>
    public static IReadOnlyList<PollBucket> ReadAll(LogsTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var index = Columns.Select(table.IndexOf).ToArray();
        var missing = Columns.Where((_, i) => index[i] < 0).ToList();
        if (missing.Count > 0)
        {
            throw new LogAnalyticsResponseException($"The poll result lacks the column(s) {string.Join(", ", missing)}.");
        }

        var buckets = new List<PollBucket>(table.Rows.Count);
        for (var r = 0; r < table.Rows.Count; r++)
        {
            var row = table.Rows[r];
            try
            {
                buckets.Add(new PollBucket(
                    row[index[0]].GetDateTimeOffset(),
                    row[index[1]].GetString() ?? "",
                    row[index[2]].GetString() ?? "",
                    row[index[3]].GetInt32(),
                    row[index[4]].GetString() ?? "",
                    row[index[5]].GetString() ?? "",
                    row[index[6]].GetInt64(),
                    row[index[7]].GetDateTimeOffset(),
                    row[index[8]].GetDateTimeOffset()));
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException)
            {
                throw new LogAnalyticsResponseException($"Row {r} of the poll result has a value of the wrong type: {ex.Message}", ex);
            }
        }

        return buckets;
    }
}
