using ImapAutomation.HybridWorker.Concurrency;
using ImapAutomation.HybridWorker.Dispatch;

namespace ImapAutomation.HybridWorker.Ledger;

/// <summary>
/// Runs a verified request at most once: inside the server's lock and an overall slot, recorded in the ledger before
/// it starts and after it ends. A redelivered request gets its recorded outcome back; one that started and never
/// recorded an end (the worker died mid-run) is reported <see cref="RunbookOutcomeStatus.Interrupted"/>, not re-run.
/// </summary>
public sealed partial class ExactlyOnceExecutor(
    RequestLedger ledger, ExecutionGate gate, IRunbookDispatcher dispatcher, TimeProvider time, ILogger<ExactlyOnceExecutor> logger)
{
    public async Task<RunbookOutcome> ExecuteAsync(RunbookDispatch dispatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        if (await KnownAsync(dispatch, holdingServerLock: false).ConfigureAwait(false) is { } known)
        {
            return known;
        }

        using var lease = await gate.EnterAsync(dispatch.Server, cancellationToken).ConfigureAwait(false);
        // A duplicate delivered at the same time waited on the same server lock: look again now that it is ours.
        if (await KnownAsync(dispatch, holdingServerLock: true).ConfigureAwait(false) is { } raced)
        {
            return raced;
        }

        await ledger.RecordStartedAsync(dispatch.RequestId, dispatch.Runbook, dispatch.Server, cancellationToken).ConfigureAwait(false);
        RunbookOutcome outcome;
        try
        {
            outcome = await dispatcher.DispatchAsync(dispatch, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            // The request cannot run as given (unknown runbook, contradicting parameters): a failure to report.
            outcome = Synthetic(dispatch, RunbookOutcomeStatus.Failed, ex.Message);
        }

        await ledger.RecordCompletedAsync(outcome, CancellationToken.None).ConfigureAwait(false);
        return outcome;
    }

    private async Task<RunbookOutcome?> KnownAsync(RunbookDispatch dispatch, bool holdingServerLock)
    {
        var entry = ledger.Find(dispatch.RequestId);
        if (entry is null)
        {
            return null;
        }

        if (entry.Outcome is { } recorded)
        {
            LogReplayed(logger, dispatch.RequestId, recorded.Status);
            return recorded with { Replayed = true };
        }

        if (!holdingServerLock && ledger.StartedHere(dispatch.RequestId))
        {
            // Running in this process right now: wait behind it on the server's lock, then replay its outcome.
            return null;
        }

        LogInterrupted(logger, dispatch.RequestId, entry.StartedAt);
        var interrupted = Synthetic(dispatch, RunbookOutcomeStatus.Interrupted,
            $"A run of this request started at {entry.StartedAt:u} and never recorded its end (the worker stopped mid-run). " +
            "It is not run again: check the server's state and send a new request if it still needs the fix.") with
        {
            StartedAt = entry.StartedAt,
        };
        // Recorded so that further redeliveries get this same answer as a replay.
        await ledger.RecordCompletedAsync(interrupted, CancellationToken.None).ConfigureAwait(false);
        return interrupted;
    }

    private RunbookOutcome Synthetic(RunbookDispatch dispatch, RunbookOutcomeStatus status, string message)
    {
        var now = time.GetUtcNow();
        return RunbookOutcome.For(dispatch, "Ledger", status, now, now) with { FailureMessage = message };
    }

    [LoggerMessage(20, LogLevel.Information, "Request {RequestId} was already completed ({Status}); re-reporting its outcome")]
    private static partial void LogReplayed(ILogger logger, Guid requestId, RunbookOutcomeStatus status);

    [LoggerMessage(21, LogLevel.Warning, "Request {RequestId} started at {StartedAt} and never completed; reporting it interrupted, not re-running it")]
    private static partial void LogInterrupted(ILogger logger, Guid requestId, DateTimeOffset startedAt);
}
