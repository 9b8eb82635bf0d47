using ImapAutomation.Core.Ingestion;
using ImapAutomation.Core.Polling;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ImapAutomation.Functions.Ingest;

/// <summary>
/// The pull path: one aggregated query of the <c>Event</c> table per schedule tick (<c>%PollSchedule%</c>), from a
/// durable watermark with an overlap for ingestion latency. Timer functions run on one instance at a time.
/// </summary>
public sealed partial class PollEventLog(EventPoller poller, EventIngestor ingestor, ILogger<PollEventLog> logger)
{
    [Function(nameof(PollEventLog))]
    public async Task Run([TimerTrigger("%PollSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        try
        {
            var result = await poller.PollAsync(async (events, ct) => await ingestor.IngestAsync(events, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            LogPolled(result.From, result.To, result.Buckets, result.NewEvents);
            if (result.PartialError is { } partial)
            {
                LogPartial(partial.Code, partial.Message);
            }
        }
        catch (PollConflictException ex)
        {
            LogConflict(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Polled {From:o}..{To:o}: {Buckets} buckets, {NewEvents} new events")]
    private partial void LogPolled(DateTimeOffset from, DateTimeOffset to, int buckets, long newEvents);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The poll returned a partial result ({Code}): {Message}")]
    private partial void LogPartial(string code, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another instance polled first: {Message}")]
    private partial void LogConflict(string message);
}
