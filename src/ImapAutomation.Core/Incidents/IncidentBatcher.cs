using System.Collections.Concurrent;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Policy;
using Microsoft.Extensions.Options;
using DetectionRecord = ImapAutomation.Core.Detection.Detection;

namespace ImapAutomation.Core.Incidents;

/// <summary>
/// Folds a storm into at most one incident write per (server, kind) per <see cref="PolicyOptions.CounterFlushInterval"/>
/// in this process. The first detection of a quiet incident is written at once (opening and acting are not delayed);
/// what arrives while a write is pending or recent joins the next write. Each caller's task completes when the write
/// holding its detection has committed, so a queue message is only completed once it is counted.
/// </summary>
public sealed class IncidentBatcher(IncidentEngine engine, IOptions<PolicyOptions> options, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<(string Server, IncidentKind Kind), Lane> _lanes = new();
    private readonly TimeSpan _interval = options?.Value.CounterFlushInterval ?? TimeSpan.FromSeconds(1);

    public Task<IncidentChange> AddAsync(DetectionRecord detection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(detection);
        var key = (detection.Server.ToLowerInvariant(), detection.Kind);
        var lane = _lanes.GetOrAdd(key, _ => new Lane());
        Task<IncidentChange> task;
        lock (lane)
        {
            lane.Pending.Add(detection);
            lane.Waiters ??= new TaskCompletionSource<IncidentChange>(TaskCreationOptions.RunContinuationsAsynchronously);
            task = lane.Waiters.Task;
            if (!lane.Scheduled)
            {
                lane.Scheduled = true;
                var due = lane.LastFlush + _interval - timeProvider.GetUtcNow();
                _ = FlushAsync(lane, due > TimeSpan.Zero ? due : TimeSpan.Zero);
            }
        }

        return task.WaitAsync(cancellationToken);
    }

    private async Task FlushAsync(Lane lane, TimeSpan due)
    {
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due, timeProvider).ConfigureAwait(false);
        }

        List<DetectionRecord> batch;
        TaskCompletionSource<IncidentChange> waiters;
        lock (lane)
        {
            batch = lane.Pending;
            waiters = lane.Waiters!;
            lane.Pending = [];
            lane.Waiters = null;
            lane.LastFlush = timeProvider.GetUtcNow();
        }

        IncidentChange? change = null;
        Exception? failure = null;
        try
        {
            // The write outlives any one caller: its detections belong to every waiter, not to one token.
            change = await engine.IngestAsync(batch, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The failure is handed to every waiting caller.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex;
        }

        lock (lane)
        {
            if (lane.Pending.Count > 0)
            {
                _ = FlushAsync(lane, lane.LastFlush + _interval - timeProvider.GetUtcNow() is var next && next > TimeSpan.Zero ? next : TimeSpan.Zero);
            }
            else
            {
                lane.Scheduled = false;
            }
        }

        if (failure is null)
        {
            waiters.SetResult(change!);
        }
        else
        {
            waiters.SetException(failure);
        }
    }

    private sealed class Lane
    {
        public List<DetectionRecord> Pending { get; set; } = [];

        public TaskCompletionSource<IncidentChange>? Waiters { get; set; }

        public bool Scheduled { get; set; }

        public DateTimeOffset LastFlush { get; set; } = DateTimeOffset.MinValue;
    }
}
