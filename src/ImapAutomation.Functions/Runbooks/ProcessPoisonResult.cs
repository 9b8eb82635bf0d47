using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Outbox;
using ImapAutomation.Core.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ImapAutomation.Functions.Runbooks;

/// <summary>
/// A result that failed <c>maxDequeueCount</c> times is never dropped in silence: it is kept in the ledger with its
/// text, counted, and logged at Critical so that the poison-message alert pages a person.
/// </summary>
public sealed partial class ProcessPoisonResult(RequestLedger ledger, ImapAutomationMetrics metrics, ILogger<ProcessPoisonResult> logger)
{
    public const string PoisonQueue = StorageNames.ResultsQueue + "-poison";

    [Function(nameof(ProcessPoisonResult))]
    public async Task Run([QueueTrigger(PoisonQueue, Connection = SettingNames.StorageConnection)] string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        metrics.PoisonMessage(PoisonQueue);
        await ledger.RecordIgnoredResultAsync("poison", "the result could not be applied after every retry", message, cancellationToken).ConfigureAwait(false);
        LogPoison(message.Length);
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "A runbook result reached the poison queue ({Length} characters); it is kept in the ledger for a person to act on")]
    private partial void LogPoison(int length);
}
