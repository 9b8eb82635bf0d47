using System.Globalization;
using System.Text;

namespace ImapAutomation.Core.Polling;

/// <summary>
/// The one KQL query a poll sends: the configured signals in [from, to), aggregated server-side into buckets of
/// (time bin, computer, source, event id, TLS alert, error state), so its size depends on servers and signals, not
/// on how large the storm is.
/// </summary>
internal static class EventPollQuery
{
    public static string Build(DateTimeOffset from, DateTimeOffset to, EventPollOptions options)
    {
        var filters = options.Signals.Select(s =>
            string.Create(CultureInfo.InvariantCulture, $"(Source =~ \"{s.Source}\" and EventID in ({string.Join(", ", s.EventIds.Select(i => i.ToString(CultureInfo.InvariantCulture)))}))"));
        var query = new StringBuilder()
            .AppendLine("Event")
            .AppendLine(CultureInfo.InvariantCulture, $"| where TimeGenerated >= datetime({Iso(from)}) and TimeGenerated < datetime({Iso(to)})")
            .AppendLine(CultureInfo.InvariantCulture, $"| where {string.Join(" or ", filters)}")
            .AppendLine("| extend AlertDesc = extract(@'Name=\"AlertDesc\">(\\d+)<', 1, EventData), ErrorState = extract(@'Name=\"ErrorState\">(\\d+)<', 1, EventData)")
            .AppendLine(CultureInfo.InvariantCulture, $"| summarize Count = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by Bucket = bin(TimeGenerated, {(long)options.BucketSize.TotalSeconds}s), Computer = tolower(Computer), Source, EventID, AlertDesc, ErrorState")
            .Append("| order by Bucket asc");
        return query.ToString();
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
}
