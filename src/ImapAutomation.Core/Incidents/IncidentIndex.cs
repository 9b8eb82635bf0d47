using Azure;
using Azure.Data.Tables;
using ImapAutomation.Core.Catalog;

namespace ImapAutomation.Core.Incidents;

/// <summary>
/// The tick's index, so it reads active incidents and undelivered outbox rows instead of the whole table (timelines
/// grow without bound). One partition, <c>~index</c>: <c>active~server~Kind</c>, <c>outbox~server~requestId</c> and
/// <c>notices~server~Kind</c> (an incident with cards to post).
/// A transaction cannot span partitions, so the index is kept a superset: a row is upserted before the
/// transaction that makes an incident active or adds an outbox row, and only the tick removes it, once the row it
/// points at is settled and the index row is older than <see cref="Grace"/> (its ETag guards against a writer that
/// re-upserted it meanwhile). Tables written before the index existed are scanned once, then marked <c>built</c>.
/// </summary>
internal sealed class IncidentIndex(TableClient table, TimeProvider time)
{
    public const string Partition = "~index";
    private const string BuiltRow = "built";

    /// <summary>Far longer than one engine call, so a row is never removed between its upsert and its transaction.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    public static bool IsActive(IncidentState state) =>
        state is not (IncidentState.Resolved or IncidentState.Failed or IncidentState.Escalated);

    public static string ActiveRow(string server, IncidentKind kind) => $"active~{server}~{kind}";

    public static string OutboxRow(string server, string requestId) => $"outbox~{server}~{requestId}";

    public static string NoticesRow(string server, IncidentKind kind) => $"notices~{server}~{kind}";

    /// <summary>Called before committing notification rows: the tick then retries the incident's undelivered cards.</summary>
    public Task NoticesAsync(string server, IncidentKind kind, CancellationToken cancellationToken) =>
        UpsertAsync(NoticesRow(server, kind), cancellationToken);

    /// <summary>Called before committing a decision: indexes an incident becoming active and every request it adds.</summary>
    public async Task BeforeCommitAsync(IncidentWork work, IncidentSnapshot snapshot, CancellationToken cancellationToken)
    {
        var incident = work.Incident;
        var wasActive = snapshot.Row is not null && IsActive(Enum.Parse<IncidentState>(snapshot.Row.GetString("State")));
        if (IsActive(incident.State) && !wasActive)
        {
            await UpsertAsync(ActiveRow(incident.Server, incident.Kind), cancellationToken).ConfigureAwait(false);
        }

        foreach (var request in work.Requests)
        {
            await UpsertAsync(OutboxRow(incident.Server, request.RequestId), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Drops an outbox entry once its row is marked dispatched (the tick would drop it anyway).</summary>
    public async Task DispatchedAsync(string server, string requestId, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(Partition, OutboxRow(server, requestId), ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    /// <summary>Every index row, after building the index from a full scan once for a table that predates it.</summary>
    public async Task<IReadOnlyList<TableEntity>> ReadAsync(CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        var built = false;
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == BuiltRow)
            {
                built = true;
            }
            else
            {
                rows.Add(row);
            }
        }

        if (built)
        {
            return rows;
        }

        await BuildAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes an index row that points at nothing left to do, unless it is fresh or was re-upserted since it was read.</summary>
    public async Task ForgetAsync(TableEntity indexRow, CancellationToken cancellationToken)
    {
        if (indexRow.GetDateTimeOffset("At") is { } at && time.GetUtcNow() - at < Grace)
        {
            return;
        }

        try
        {
            await table.DeleteEntityAsync(Partition, indexRow.RowKey, indexRow.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
        }
    }

    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        await foreach (var row in table.QueryAsync<TableEntity>(
            "(RowKey gt 'incident~' and RowKey lt 'incident~~') or (RowKey gt 'outbox~' and RowKey lt 'outbox~~' and Dispatched eq false)"
            + " or (RowKey gt 'notice~' and RowKey lt 'notice~~' and Delivered eq false)",
            select: ["PartitionKey", "RowKey", "State"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.PartitionKey == Partition)
            {
                continue;
            }

            if (row.RowKey.StartsWith("notice~", StringComparison.Ordinal))
            {
                await UpsertAsync($"notices~{row.PartitionKey}~{row.RowKey.Split('~')[1]}", cancellationToken).ConfigureAwait(false);
            }
            else if (row.RowKey.StartsWith("outbox~", StringComparison.Ordinal))
            {
                await UpsertAsync(OutboxRow(row.PartitionKey, row.RowKey["outbox~".Length..]), cancellationToken).ConfigureAwait(false);
            }
            else if (IsActive(Enum.Parse<IncidentState>(row.GetString("State"))))
            {
                await UpsertAsync($"active~{row.PartitionKey}~{row.RowKey["incident~".Length..]}", cancellationToken).ConfigureAwait(false);
            }
        }

        await table.UpsertEntityAsync(new TableEntity(Partition, BuiltRow) { ["At"] = time.GetUtcNow() }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    private async Task UpsertAsync(string rowKey, CancellationToken cancellationToken) =>
        await table.UpsertEntityAsync(new TableEntity(Partition, rowKey) { ["At"] = time.GetUtcNow() }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
}
