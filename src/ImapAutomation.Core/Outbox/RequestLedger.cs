using Azure;
using Azure.Data.Tables;
using ImapAutomation.Core.Contracts;

namespace ImapAutomation.Core.Outbox;

public enum LedgerStatus
{
    Unknown,
    Claimed,
    Sent,
    Completed,
}

/// <summary>
/// The <c>Ledger</c> table: one row per request id, the single place that decides whether a request was sent and
/// whether its result was applied. Rows are created with Add (so exactly one writer wins a request id) and moved
/// on with ETags. The hybrid worker uses <see cref="TryAcceptAsync"/> on its own partition to refuse replays.
/// </summary>
public sealed class RequestLedger(TableClient table, TimeProvider timeProvider)
{
    internal const string RequestPartition = "request";
    private const string WorkerPartition = "worker-accepted";
    private const string IgnoredPartition = "ignored-result";

    public TableClient Table => table;

    public async Task<LedgerStatus> GetStatusAsync(string requestId, CancellationToken cancellationToken)
    {
        var row = await ReadAsync(requestId, cancellationToken).ConfigureAwait(false);
        return Status(row);
    }

    /// <summary>The worker's replay guard: true the first time a request id is accepted, false for every replay.</summary>
    public async Task<bool> TryAcceptAsync(string requestId, CancellationToken cancellationToken)
    {
        if (!RunbookRequestIds.IsWellFormed(requestId))
        {
            return false;
        }

        try
        {
            var row = new TableEntity(WorkerPartition, requestId) { ["AcceptedAt"] = timeProvider.GetUtcNow() };
            await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Records a result that was not applied (unknown or already completed request), then it is dropped.</summary>
    public async Task RecordIgnoredResultAsync(string requestId, string reason, string? body, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var safeId = RunbookRequestIds.IsWellFormed(requestId) ? requestId : "malformed";
        var row = new TableEntity(IgnoredPartition, $"{safeId}~{now.UtcTicks:D19}~{Guid.NewGuid():N}")
        {
            ["RequestId"] = ParameterValidator.Show(requestId),
            ["Reason"] = reason,
            ["Body"] = body is null ? null : body.Length > 8192 ? body[..8192] : body,
        };
        await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<(string RequestId, string Reason)>> GetIgnoredResultsAsync(CancellationToken cancellationToken)
    {
        var list = new List<(string, string)>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {IgnoredPartition}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add((row.GetString("RequestId").Trim('\''), row.GetString("Reason")));
        }

        return list;
    }

    internal async Task<TableEntity?> ReadAsync(string requestId, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(RequestPartition, requestId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    internal static LedgerStatus Status(TableEntity? row) =>
        row is null ? LedgerStatus.Unknown : Enum.Parse<LedgerStatus>(row.GetString("Status"));

    /// <summary>Marks a request completed once its result has been applied; idempotent.</summary>
    internal async Task MarkCompletedAsync(string requestId, string status, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var row = await ReadAsync(requestId, cancellationToken).ConfigureAwait(false);
            if (row is null || Status(row) == LedgerStatus.Completed)
            {
                return;
            }

            row["Status"] = nameof(LedgerStatus.Completed);
            row["Result"] = status;
            row["CompletedAt"] = timeProvider.GetUtcNow();
            if (await Policy.TableRows.TryWriteAsync(table, row, isNew: false, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }
}
