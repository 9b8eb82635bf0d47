using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Incidents;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ImapAutomation.Functions.Runbooks;

/// <summary>
/// Applies a hybrid worker's result to its incident (at most once: the engine's ledger ignores unknown and repeated
/// results) and moves the plan on. A throw leaves the message to the queue's retries and, after
/// <c>maxDequeueCount</c>, to the poison queue that <see cref="ProcessPoisonResult"/> turns into an escalation.
/// </summary>
public sealed partial class ProcessRunbookResult(IncidentEngine engine, ILogger<ProcessRunbookResult> logger)
{
    [Function(nameof(ProcessRunbookResult))]
    public async Task Run([QueueTrigger(StorageNames.ResultsQueue, Connection = SettingNames.StorageConnection)] string message, CancellationToken cancellationToken)
    {
        var change = await engine.ApplyResultAsync(message, cancellationToken).ConfigureAwait(false);
        if (change.Ignored is not null)
        {
            LogIgnored(change.Ignored);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runbook result recorded and ignored: {Reason}")]
    private partial void LogIgnored(string reason);
}
