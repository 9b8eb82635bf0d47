using Azure.Data.Tables;
using Azure.Storage.Queues;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Policy;

namespace ImapAutomation.Core.Outbox;

/// <summary>
/// Sends signed requests to the <c>runbook-requests</c> queue at most once per request id. The incident write puts
/// the request in the incident partition's outbox in the same transaction as the state change; this sends it.
/// A sender first claims the id in the ledger (Add: one winner), sends, then marks it sent. A claim left by a
/// crashed sender is taken over after <see cref="ClaimLease"/>; only that crash-between-send-and-mark case can
/// deliver twice, and the worker's ledger (<see cref="RequestLedger.TryAcceptAsync"/>) refuses the replay.
/// </summary>
public sealed class RunbookRequestDispatcher(QueueClient queue, RequestLedger ledger, TimeProvider timeProvider)
{
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan MaxVisibilityDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    /// <summary>Sends one request unless it was already sent; returns true if this call sent it.</summary>
    public async Task<bool> DispatchAsync(RunbookRequest request, IncidentKey incident, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = timeProvider.GetUtcNow();
        var row = await ledger.ReadAsync(request.RequestId, cancellationToken).ConfigureAwait(false);
        var status = RequestLedger.Status(row);
        if (status is LedgerStatus.Sent or LedgerStatus.Completed)
        {
            return false;
        }

        if (status == LedgerStatus.Claimed && row!.GetDateTimeOffset("ClaimedAt") > now - ClaimLease)
        {
            return false;
        }

        var claim = row ?? new TableEntity(RequestLedger.RequestPartition, request.RequestId);
        claim["Status"] = nameof(LedgerStatus.Claimed);
        claim["ClaimedAt"] = now;
        claim["IncidentPartition"] = incident.PartitionKey;
        claim["IncidentRow"] = incident.RowKey;
        claim["Runbook"] = request.Runbook;
        if (!await TableRows.TryWriteAsync(ledger.Table, claim, row is null, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var delay = request.NotBefore - now;
        var ttl = request.ExpiresAt - now;
        await queue.SendMessageAsync(
            RunbookContract.Serialize(request),
            delay > TimeSpan.Zero ? (delay > MaxVisibilityDelay ? MaxVisibilityDelay : delay) : null,
            ttl > TimeSpan.Zero ? ttl : TimeSpan.FromSeconds(1),
            cancellationToken).ConfigureAwait(false);

        claim["Status"] = nameof(LedgerStatus.Sent);
        claim["SentAt"] = timeProvider.GetUtcNow();
        await TableRows.TryWriteAsync(ledger.Table, claim, isNew: false, cancellationToken).ConfigureAwait(false);
        return true;
    }
}

/// <summary>Where an incident lives in the Incidents table; the ledger keeps it to route results back.</summary>
public readonly record struct IncidentKey(string PartitionKey, string RowKey);
