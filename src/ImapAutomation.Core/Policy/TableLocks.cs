using Azure;
using Azure.Data.Tables;

namespace ImapAutomation.Core.Policy;

/// <summary>Small helpers for the optimistic-concurrency loops over single Table Storage rows.</summary>
internal static class TableRows
{
    public static async Task<TableEntity?> ReadAsync(TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Adds (no ETag) or replaces under the ETag it was read with; false when another writer got there first.</summary>
    public static async Task<bool> TryWriteAsync(TableClient table, TableEntity entity, bool isNew, CancellationToken cancellationToken)
    {
        try
        {
            var response = isNew
                ? await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false)
                : await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);

            // Keep the new ETag so the caller can move the same row on again.
            entity.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }

    public static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + (Math.Min(attempt, 6) * 10))), cancellationToken);
}

/// <summary>
/// At most one server of a database availability group is changed at a time: a lease row per DAG, owned by a
/// server, taken with an ETag and expiring on its own if its owner never releases it.
/// </summary>
internal sealed class DagLocks(TableClient table)
{
    private const int MaxConflicts = 50;

    public async Task<string?> TryAcquireAsync(string dag, string server, DateTimeOffset until, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxConflicts; attempt++)
        {
            var row = await TableRows.ReadAsync(table, PartitionKey(dag), "lock", cancellationToken).ConfigureAwait(false);
            var owner = row?.GetString("Owner");
            if (row is not null && !string.IsNullOrEmpty(owner) && owner != server && row.GetDateTimeOffset("Until") > now)
            {
                return owner;
            }

            var entity = row ?? new TableEntity(PartitionKey(dag), "lock");
            entity["Owner"] = server;
            entity["Until"] = until;
            if (await TableRows.TryWriteAsync(table, entity, row is null, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            await TableRows.BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"DAG lock {dag}: too many conflicting writers.");
    }

    public async Task ReleaseAsync(string dag, string server, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxConflicts; attempt++)
        {
            var row = await TableRows.ReadAsync(table, PartitionKey(dag), "lock", cancellationToken).ConfigureAwait(false);
            if (row is null || row.GetString("Owner") != server)
            {
                return;
            }

            row["Owner"] = "";
            if (await TableRows.TryWriteAsync(table, row, isNew: false, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await TableRows.BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string PartitionKey(string dag) => "~dag~" + dag.ToLowerInvariant();
}
