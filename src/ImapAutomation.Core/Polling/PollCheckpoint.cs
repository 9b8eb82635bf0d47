using ImapAutomation.Core.Signals;

namespace ImapAutomation.Core.Polling;

/// <summary>
/// The durable state between polls: the watermark (end of the last poll) and the counts already ingested for the
/// buckets still inside the overlap. Re-reading the overlap and subtracting these counts is what lets late events
/// in without counting any event twice.
/// </summary>
public sealed class PollCheckpoint
{
    private readonly Dictionary<string, long> _seen;

    public PollCheckpoint(DateTimeOffset? watermark, IDictionary<string, long>? seen = null)
    {
        Watermark = watermark;
        _seen = new Dictionary<string, long>(seen ?? new Dictionary<string, long>(), StringComparer.Ordinal);
    }

    /// <summary>End of the last successful poll; null before the first.</summary>
    public DateTimeOffset? Watermark { get; private set; }

    public IReadOnlyDictionary<string, long> Seen => _seen;

    /// <summary>The interval the next poll reads.</summary>
    public (DateTimeOffset From, DateTimeOffset To) NextRange(DateTimeOffset now, EventPollOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var from = Watermark is { } w ? w - options.Overlap : now - options.InitialLookback;
        return (from, now);
    }

    /// <summary>
    /// Turns the buckets of a poll of [from, to) into events carrying only what was not ingested before, and moves the
    /// watermark to <paramref name="to"/>. Buckets that fall out of the next poll's overlap are forgotten.
    /// </summary>
    public IReadOnlyList<SignalEvent> Advance(IEnumerable<PollBucket> buckets, DateTimeOffset to, EventPollOptions options)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        ArgumentNullException.ThrowIfNull(options);
        var events = new List<SignalEvent>();
        foreach (var bucket in buckets)
        {
            var before = _seen.GetValueOrDefault(bucket.Key);
            var delta = bucket.Count - before;
            if (delta <= 0)
            {
                continue; // Nothing new (a count never shrinks unless data ages out of retention).
            }

            _seen[bucket.Key] = bucket.Count;
            events.Add(ToEvent(bucket, delta, isNew: before == 0));
        }

        Watermark = to;
        var horizon = (to - options.Overlap - options.BucketSize).UtcTicks;
        foreach (var key in _seen.Keys.Where(k => long.Parse(k.AsSpan(0, k.IndexOf('|', StringComparison.Ordinal)), provider: System.Globalization.CultureInfo.InvariantCulture) < horizon).ToList())
        {
            _seen.Remove(key);
        }

        return events;
    }

    private static SignalEvent ToEvent(PollBucket bucket, long count, bool isNew)
    {
        var named = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (bucket.AlertDesc.Length > 0)
        {
            named["AlertDesc"] = bucket.AlertDesc;
        }

        if (bucket.ErrorState.Length > 0)
        {
            named["ErrorState"] = bucket.ErrorState;
        }

        // A new bucket dates from its first event; a late addition to a known bucket from its latest.
        return new SignalEvent(bucket.Computer, bucket.Source, bucket.EventId, isNew ? bucket.FirstSeen : bucket.LastSeen)
        {
            Count = count,
            NamedData = named,
        };
    }
}
