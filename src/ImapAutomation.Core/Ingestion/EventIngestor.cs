using ImapAutomation.Core.Detection;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Signals;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Core.Ingestion;

/// <summary>
/// The one path from signals to incidents, shared by every entry point (push, alert, poll): correlate the items into
/// detections, then fold each (server, kind) into its incident through the batcher. Returns when every detection is
/// committed, so a caller answers 2xx (or completes a message) only for input that is persisted.
/// </summary>
public sealed class EventIngestor(IncidentBatcher batcher, IOptions<DetectionOptions> options)
{
    /// <summary>Rejections and notices kept for the response; the counts stay exact beyond it.</summary>
    public const int MaxReportedItems = 50;

    public async Task<IngestSummary> IngestAsync(IAsyncEnumerable<SignalItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var correlator = new DetectionCorrelator(options.Value);
        var summary = new IngestSummary();
        await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            switch (item)
            {
                case SignalEvent e:
                    correlator.Add(e);
                    break;
                case SignalRejection r:
                    summary.Rejected++;
                    Report(summary.Rejections, r.Location, r.Reason);
                    break;
                case SignalNotice n:
                    Report(summary.Notices, n.Location, n.Message);
                    break;
            }
        }

        summary.Events = correlator.EventsSeen;
        summary.Ignored = correlator.EventsIgnored;
        return await CommitAsync(correlator.TakeAll(), summary, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IngestSummary> IngestAsync(IReadOnlyList<SignalEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var correlator = new DetectionCorrelator(options.Value);
        foreach (var e in events)
        {
            correlator.Add(e);
        }

        var summary = new IngestSummary { Events = correlator.EventsSeen, Ignored = correlator.EventsIgnored };
        return await CommitAsync(correlator.TakeAll(), summary, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IngestSummary> CommitAsync(IReadOnlyList<Detection.Detection> detections, IngestSummary summary, CancellationToken cancellationToken)
    {
        var changes = await Task.WhenAll(detections.Select(d => batcher.AddAsync(d, cancellationToken))).ConfigureAwait(false);
        summary.Detections = detections.Count;
        summary.Changes = changes;
        return summary;
    }

    private static void Report(List<IngestProblem> into, string location, string message)
    {
        if (into.Count < MaxReportedItems)
        {
            into.Add(new IngestProblem(location, message));
        }
    }
}

/// <summary>What one ingestion did; the JSON body of the push path's 202 and 400 answers.</summary>
public sealed class IngestSummary
{
    public long Events { get; set; }

    public long Ignored { get; set; }

    public long Rejected { get; set; }

    public int Detections { get; set; }

    public List<IngestProblem> Rejections { get; } = [];

    public List<IngestProblem> Notices { get; } = [];

    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<IncidentChange> Changes { get; set; } = [];

    public IReadOnlyList<string> Incidents => [.. Changes.Where(c => c.Incident is not null).Select(c => c.Incident!.Id).Distinct(StringComparer.Ordinal)];
}

public sealed record IngestProblem(string Location, string Message);
