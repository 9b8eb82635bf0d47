using ImapAutomation.Core.LogAnalytics;
using ImapAutomation.Core.Signals;

namespace ImapAutomation.Core.Polling;

/// <summary>
/// One poll of the <c>Event</c> table: read the checkpoint, run the aggregated query over [watermark - overlap, now),
/// hand the new counts to <c>ingest</c>, then move the checkpoint. Ingest runs before the checkpoint moves, so a
/// crash in between re-reads the interval (at least once) instead of losing it.
/// </summary>
public sealed class EventPoller(LogAnalyticsClient logs, PollCheckpointStore store, EventPollOptions options, TimeProvider time)
{
    public const string CheckpointName = "event-table";

    public async Task<EventPollResult> PollAsync(
        Func<IReadOnlyList<SignalEvent>, CancellationToken, Task> ingest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ingest);
        var (checkpoint, etag) = await store.LoadAsync(CheckpointName, cancellationToken).ConfigureAwait(false);
        var (from, to) = checkpoint.NextRange(time.GetUtcNow(), options);
        var query = EventPollQuery.Build(from, to, options);
        var result = await logs.QueryWorkspaceAsync(options.WorkspaceId, query, LogsQueryTimeRange.Between(from, to), cancellationToken).ConfigureAwait(false);
        var buckets = PollBucket.ReadAll(result.PrimaryTable);
        var events = checkpoint.Advance(buckets, to, options);
        if (events.Count > 0)
        {
            await ingest(events, cancellationToken).ConfigureAwait(false);
        }

        await store.SaveAsync(CheckpointName, checkpoint, etag, cancellationToken).ConfigureAwait(false);
        return new EventPollResult(from, to, buckets.Count, events.Sum(e => e.Count), result.PartialError);
    }
}

/// <summary>What one poll did; a partial error means the service returned only part of the rows.</summary>
public sealed record EventPollResult(DateTimeOffset From, DateTimeOffset To, int Buckets, long NewEvents, LogsQueryError? PartialError);
