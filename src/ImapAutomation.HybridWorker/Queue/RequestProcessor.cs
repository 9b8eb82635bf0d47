using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Telemetry;
using ImapAutomation.HybridWorker.Ledger;
using Microsoft.Extensions.Options;

namespace ImapAutomation.HybridWorker.Queue;

/// <summary>What became of one message.</summary>
public enum MessageDisposition
{
    /// <summary>Run (or replayed from the ledger); its result was posted and the message deleted.</summary>
    Completed,

    /// <summary>Refused before anything ran; a Rejected result was posted and the message deleted.</summary>
    Rejected,

    /// <summary>Unreadable and left in the queue; it comes back until its dequeue count reaches the limit.</summary>
    LeftForRetry,

    /// <summary>Unreadable on its last allowed delivery: copied to the poison queue and deleted.</summary>
    MovedToPoison,
}

/// <summary>
/// One message, start to end: read, verify, check the allow-list, run exactly once (keeping the message invisible),
/// post the result, and only then delete the message. A crash anywhere before the delete leaves the message to come
/// back; the ledger then re-reports instead of re-running.
/// </summary>
public sealed partial class RequestProcessor(
    RunbookRequestVerifier verifier,
    RunbookResultSigner resultSigner,
    ExactlyOnceExecutor executor,
    RequestQueues queues,
    IOptions<RequestLoopOptions> options,
    TimeProvider time,
    ILogger<RequestProcessor> logger)
{
    private readonly HashSet<string> _allowed = new(options.Value.AllowedServers, StringComparer.OrdinalIgnoreCase);

    /// <param name="message">The received message.</param>
    /// <param name="cancellationToken">Cancels waiting and queue calls; a runbook already running is stopped by its own timeout, not by this.</param>
    public async Task<MessageDisposition> ProcessAsync(IReceivedRequest message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var read = RequestMessage.Read(message.Body);
        if (!read.IsReadable)
        {
            return await HandleUnreadableAsync(message, read.Problem!, cancellationToken).ConfigureAwait(false);
        }

        var requestId = read.RequestId!;
        // The request id is a valid W3C trace id: the worker's logs for it share one operation id with the cloud's.
        using var activity = Correlation.StartContinuing("RunbookRequest", requestId);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = requestId, ["MessageId"] = message.MessageId });
        var verification = verifier.Verify(read.Json!);
        var reason = verification switch
        {
            { IsValid: false } => $"{verification.Rejection}: {verification.Reason}",
            { Request: { } request } when !_allowed.Contains(request.TargetServer) =>
                $"TargetNotAllowed: target server '{request.TargetServer}' is not in this worker's allow-list",
            _ => null,
        };
        if (reason is not null)
        {
            LogRejected(logger, requestId, reason);
            await queues.Results.PostAsync(RunbookContract.Serialize(resultSigner.Sign(ContractMapping.Rejected(requestId, reason, time.GetUtcNow()))), cancellationToken)
                .ConfigureAwait(false);
            await message.DeleteAsync(cancellationToken).ConfigureAwait(false);
            return MessageDisposition.Rejected;
        }

        var accepted = verification.Request!;
        LogAccepted(logger, requestId, accepted.Runbook, accepted.TargetServer, accepted.IncidentId);
        var outcome = await RunKeepingInvisibleAsync(message, ContractMapping.ToDispatch(accepted), cancellationToken).ConfigureAwait(false);
        var result = resultSigner.Sign(ContractMapping.ToResult(requestId, outcome));
        await queues.Results.PostAsync(RunbookContract.Serialize(result), cancellationToken).ConfigureAwait(false);
        await message.DeleteAsync(cancellationToken).ConfigureAwait(false);
        LogCompleted(logger, requestId, result.Status, result.Verification, outcome.Replayed);
        return MessageDisposition.Completed;
    }

    private async Task<Dispatch.RunbookOutcome> RunKeepingInvisibleAsync(
        IReceivedRequest message, Dispatch.RunbookDispatch dispatch, CancellationToken cancellationToken)
    {
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewal = RenewUntilCancelledAsync(message, renewing.Token);
        try
        {
            // Not cancelled by shutdown: a change stopped half-way is worse than a slower stop (see docs/hybrid-worker.md).
            return await executor.ExecuteAsync(dispatch, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await renewing.CancelAsync().ConfigureAwait(false);
            await renewal.ConfigureAwait(false);
        }
    }

    private async Task RenewUntilCancelledAsync(IReceivedRequest message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        try
        {
            while (true)
            {
                await Task.Delay(settings.RenewInterval, time, cancellationToken).ConfigureAwait(false);
                try
                {
                    await message.RenewAsync(settings.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
                }
                catch (Azure.RequestFailedException ex)
                {
                    // The run goes on; if the message reappears meanwhile, the ledger makes its second delivery a replay.
                    LogRenewFailed(logger, message.MessageId, ex.Status, ex.ErrorCode);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run ended.
        }
    }

    private async Task<MessageDisposition> HandleUnreadableAsync(IReceivedRequest message, string problem, CancellationToken cancellationToken)
    {
        if (message.DequeueCount < options.Value.MaxDequeueCount)
        {
            LogUnreadable(logger, message.MessageId, message.DequeueCount, options.Value.MaxDequeueCount, problem);
            return MessageDisposition.LeftForRetry;
        }

        await queues.Poison.PostAsync(message.Body, cancellationToken).ConfigureAwait(false);
        await message.DeleteAsync(cancellationToken).ConfigureAwait(false);
        LogPoisoned(logger, message.MessageId, message.DequeueCount, problem);
        return MessageDisposition.MovedToPoison;
    }

    [LoggerMessage(40, LogLevel.Warning, "Request {RequestId} rejected, nothing run: {Reason}")]
    private static partial void LogRejected(ILogger logger, string requestId, string reason);

    [LoggerMessage(41, LogLevel.Information, "Request {RequestId} accepted: {Runbook} on {Server} for incident {IncidentId}")]
    private static partial void LogAccepted(ILogger logger, string requestId, string runbook, string server, string incidentId);

    [LoggerMessage(42, LogLevel.Information, "Request {RequestId} completed: {Status}, verification {Verification}, replayed {Replayed}")]
    private static partial void LogCompleted(ILogger logger, string requestId, RunbookStatus status, VerificationOutcome verification, bool replayed);

    [LoggerMessage(43, LogLevel.Warning, "Message {MessageId} cannot be read (delivery {DequeueCount} of {MaxDequeueCount}); left in the queue: {Problem}")]
    private static partial void LogUnreadable(ILogger logger, string messageId, long dequeueCount, int maxDequeueCount, string problem);

    [LoggerMessage(44, LogLevel.Error, "Message {MessageId} cannot be read after {DequeueCount} deliveries; moved to the poison queue: {Problem}")]
    private static partial void LogPoisoned(ILogger logger, string messageId, long dequeueCount, string problem);

    [LoggerMessage(45, LogLevel.Warning, "Could not renew the visibility of message {MessageId} ({Status} {ErrorCode}); the run continues")]
    private static partial void LogRenewFailed(ILogger logger, string messageId, int status, string? errorCode);
}
