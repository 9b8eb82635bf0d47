using System.Globalization;
using System.Xml;

namespace ImapAutomation.Core.LogAnalytics;

/// <summary>The <c>timespan</c> of a query: an ISO 8601 duration back from now, or a start/end interval.</summary>
public readonly record struct LogsQueryTimeRange
{
    private readonly string _iso;

    private LogsQueryTimeRange(string iso) => _iso = iso;

    public static LogsQueryTimeRange Last(TimeSpan duration) =>
        duration > TimeSpan.Zero
            ? new(XmlConvert.ToString(duration))
            : throw new ArgumentOutOfRangeException(nameof(duration), duration, "A query's duration must be positive.");

    public static LogsQueryTimeRange Between(DateTimeOffset start, DateTimeOffset end) =>
        end > start
            ? new(string.Create(CultureInfo.InvariantCulture, $"{start.UtcDateTime:O}/{end.UtcDateTime:O}"))
            : throw new ArgumentOutOfRangeException(nameof(end), end, "A query interval must end after it starts.");

    public override string ToString() => _iso;
}
