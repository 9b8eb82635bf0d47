using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ImapAutomation.Core.Catalog;

namespace ImapAutomation.Core.Incidents;

/// <summary>A row as read, with the ETag every write of it is conditioned on.</summary>
internal sealed record IncidentSnapshot(TableEntity? Row)
{
    public ETag ETag => Row?.ETag ?? default;
}

/// <summary>
/// Layout of the Incidents table. The partition is the server, so an incident, its timeline, its outbox and the
/// server's remediation lock change together in one entity-group transaction:
/// <c>incident~Kind</c>, <c>timeline~Kind~0000000042</c>, <c>outbox~requestId</c>, <c>lock</c>, <c>mute~Kind|*</c>.
/// </summary>
internal sealed class IncidentStore(TableClient table)
{
    public TableClient Table => table;

    public static string IncidentRow(IncidentKind kind) => "incident~" + kind;

    public static string TimelineRow(IncidentKind kind, long sequence) => $"timeline~{kind}~{sequence:D10}";

    public static string OutboxRow(string requestId) => "outbox~" + requestId;

    public const string LockRow = "lock";

    public static string MuteRow(IncidentKind? kind) => "mute~" + (kind?.ToString() ?? "*");

    public async Task<IncidentSnapshot> ReadAsync(string server, IncidentKind kind, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(server, IncidentRow(kind), cancellationToken: cancellationToken).ConfigureAwait(false);
        return new(response.HasValue ? response.Value : null);
    }

    public async Task<TableEntity?> ReadRowAsync(string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Commits a partition's changes atomically; false when an ETag or Add lost to another writer.</summary>
    public async Task<bool> TrySubmitAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<TimelineEntry>> ReadTimelineAsync(string server, IncidentKind kind, CancellationToken cancellationToken)
    {
        var from = $"timeline~{kind}~";
        var to = $"timeline~{kind}~~";
        var entries = new List<TimelineEntry>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {server} and RowKey gt {from} and RowKey lt {to}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new(row.GetInt64("Sequence") ?? 0, row.GetDateTimeOffset("At") ?? default, row.GetString("Actor"), row.GetString("What"), row.GetString("Detail")));
        }

        return entries;
    }

    public static TableEntity ToRow(TimelineEntry entry, string server, IncidentKind kind) => new(server, TimelineRow(kind, entry.Sequence))
    {
        ["Sequence"] = entry.Sequence,
        ["At"] = entry.At,
        ["Actor"] = entry.Actor,
        ["What"] = entry.What,
        ["Detail"] = entry.Detail,
    };

    public static TableEntity ToRow(Incident incident, ETag etag) => new(incident.Server, IncidentRow(incident.Kind))
    {
        ETag = etag,
        ["IncidentId"] = incident.Id,
        ["Server"] = incident.Server,
        ["Kind"] = incident.Kind.ToString(),
        ["State"] = incident.State.ToString(),
        ["StateReason"] = incident.StateReason,
        ["Episode"] = incident.Episode,
        ["EventCount"] = incident.EventCount,
        ["DetectionCount"] = incident.DetectionCount,
        ["FirstSeen"] = incident.FirstSeen,
        ["LastSeen"] = incident.LastSeen,
        ["UpdatedAt"] = incident.UpdatedAt,
        ["StateChangedAt"] = incident.StateChangedAt,
        ["Evidence"] = JsonSerializer.Serialize(incident.Evidence, IncidentJsonContext.Default.DictionaryStringInt64),
        ["Plan"] = JsonSerializer.Serialize(incident.Plan, IncidentJsonContext.Default.ListPlanStep),
        ["CurrentStep"] = incident.CurrentStep,
        ["Attempt"] = incident.Attempt,
        ["ApprovedBy"] = incident.ApprovedBy,
        ["LastAttemptAt"] = incident.LastAttemptAt,
        ["Reopens"] = JsonSerializer.Serialize(incident.Reopens, IncidentJsonContext.Default.ListDateTimeOffset),
        ["RecentDetections"] = string.Join(',', incident.RecentDetections),
        ["TimelineCount"] = incident.TimelineCount,
        ["OperatorKeys"] = incident.OperatorKeys.Count == 0 ? null : JsonSerializer.Serialize(incident.OperatorKeys, IncidentJsonContext.Default.ListString),
    };

    public static Incident FromRow(TableEntity row)
    {
        var recent = row.GetString("RecentDetections");
        return new Incident
        {
            Server = row.GetString("Server"),
            Kind = Enum.Parse<IncidentKind>(row.GetString("Kind")),
            State = Enum.Parse<IncidentState>(row.GetString("State")),
            StateReason = row.GetString("StateReason"),
            Episode = row.GetInt32("Episode") ?? 1,
            EventCount = row.GetInt64("EventCount") ?? 0,
            DetectionCount = row.GetInt64("DetectionCount") ?? 0,
            FirstSeen = row.GetDateTimeOffset("FirstSeen") ?? default,
            LastSeen = row.GetDateTimeOffset("LastSeen") ?? default,
            UpdatedAt = row.GetDateTimeOffset("UpdatedAt") ?? default,
            StateChangedAt = row.GetDateTimeOffset("StateChangedAt") ?? default,
            Evidence = JsonSerializer.Deserialize(row.GetString("Evidence"), IncidentJsonContext.Default.DictionaryStringInt64) ?? new(StringComparer.Ordinal),
            Plan = JsonSerializer.Deserialize(row.GetString("Plan"), IncidentJsonContext.Default.ListPlanStep) ?? [],
            CurrentStep = row.GetInt32("CurrentStep") ?? 0,
            Attempt = row.GetInt32("Attempt") ?? 1,
            ApprovedBy = row.GetString("ApprovedBy"),
            LastAttemptAt = row.GetDateTimeOffset("LastAttemptAt"),
            Reopens = JsonSerializer.Deserialize(row.GetString("Reopens"), IncidentJsonContext.Default.ListDateTimeOffset) ?? [],
            RecentDetections = string.IsNullOrEmpty(recent) ? [] : [.. recent.Split(',')],
            TimelineCount = row.GetInt64("TimelineCount") ?? 0,
            OperatorKeys = row.GetString("OperatorKeys") is { Length: > 0 } keys
                ? JsonSerializer.Deserialize(keys, IncidentJsonContext.Default.ListString) ?? []
                : [],
        };
    }
}
