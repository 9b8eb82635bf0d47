using System.Globalization;
using Azure;
using Azure.Data.Tables;
using ImapAutomation.Core.Catalog;
using Microsoft.Extensions.Logging;

namespace ImapAutomation.Core.Incidents;

/// <summary>
/// The notification half of the incident outbox. Each notification is a <c>notice~Kind~state</c> row written in the
/// same transaction as the incident change (with the incident as it was then), so a crash after commit loses no card.
/// Delivery claims a row with a short ETag-conditioned lease, skips it when <c>posted~Kind~state</c> exists, and
/// records <c>posted~</c> (with the Teams message id) before marking the row delivered: a retry, a tick or a second
/// instance never posts the same state twice. A failed post leaves the row undelivered for the next tick.
/// </summary>
internal sealed partial class NotificationOutbox(TableClient table, IIncidentAnnouncer? announcer, TimeProvider time, ILogger logger)
{
    /// <summary>How long a claim keeps other instances off a row; longer than a post with all its retries.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(3);

    private const int MaxErrorLength = 500;
    private readonly string _instance = Guid.NewGuid().ToString("N");

    public static string NoticeRow(IncidentKind kind, string state) => $"notice~{kind}~{state}";

    public static string PostedRow(IncidentKind kind, string state) => $"posted~{kind}~{state}";

    /// <summary>Unique per committed change: the timeline count only grows, and every notifying decision logs.</summary>
    public static string State(Incident incident, NotificationKind kind, int index, string? suffix = null)
    {
        var state = string.Create(CultureInfo.InvariantCulture, $"{incident.TimelineCount:D10}-{Slug(kind)}");
        state = index == 0 ? state : state + "-" + index.ToString(CultureInfo.InvariantCulture);
        return suffix is null ? state : state + "-" + suffix;
    }

    public static string Slug(NotificationKind kind) => kind switch
    {
        NotificationKind.IncidentOpened => "opened",
        NotificationKind.ApprovalRequested => "approval-requested",
        NotificationKind.RemediationQueued => "remediation-queued",
        NotificationKind.Resolved => "resolved",
        NotificationKind.Reopened => "reopened",
        NotificationKind.Failed => "failed",
        NotificationKind.Escalated => "escalated",
        NotificationKind.FleetEscalated => "fleet-escalated",
        NotificationKind.RequestRejected => "request-rejected",
        NotificationKind.FleetHeld => "fleet-held",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown notification kind."),
    };

    /// <summary>The outbox rows of one change, to add in its transaction.</summary>
    public static List<TableEntity> Rows(Incident incident, IReadOnlyList<IncidentNotification> notifications, string? suffix = null)
    {
        var rows = new List<TableEntity>(notifications.Count);
        for (var i = 0; i < notifications.Count; i++)
        {
            var notification = notifications[i];
            var state = State(incident, notification.Kind, i, suffix);
            var row = IncidentStore.ToRow(incident, default);
            row.RowKey = NoticeRow(incident.Kind, state);
            row["NoticeKind"] = notification.Kind.ToString();
            row["NoticeText"] = notification.Text;
            if (notification.RelatedIncidentId is { } related)
            {
                row["NoticeRelated"] = related;
            }

            row["NoticeState"] = state;
            row["Delivered"] = false;
            row["Attempts"] = 0;
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Delivers the given rows of one incident in order; stops at the first that cannot go now (order matters for threads).</summary>
    public async Task<int> DeliverAsync(string server, IncidentKind kind, IEnumerable<string> rowKeys, CancellationToken cancellationToken)
    {
        if (announcer is null)
        {
            return 0;
        }

        var delivered = 0;
        Dictionary<string, string>? posted = null;
        IReadOnlyList<TimelineEntry>? timeline = null;
        foreach (var rowKey in rowKeys)
        {
            try
            {
                var (claim, row) = await ClaimAsync(server, rowKey, cancellationToken).ConfigureAwait(false);
                if (claim == Claim.NothingToDo)
                {
                    continue;
                }

                if (claim == Claim.HeldByAnother)
                {
                    return delivered;
                }

                var incident = IncidentStore.FromRow(row!);
                var state = row!.GetString("NoticeState");
                posted ??= await PostedAsync(server, kind, incident.Id, cancellationToken).ConfigureAwait(false);
                var key = $"{incident.Id}/{state}";
                if (!posted.ContainsKey(key))
                {
                    timeline ??= await new IncidentStore(table).ReadTimelineAsync(server, kind, cancellationToken).ConfigureAwait(false);
                    var notification = new IncidentNotification(
                        Enum.Parse<NotificationKind>(row.GetString("NoticeKind")), incident.Id, row.GetString("NoticeText") ?? "", row.GetString("NoticeRelated"));
                    var announcement = new IncidentAnnouncement(notification, state, incident, timeline, posted, ThreadMessageId: null);
                    announcement = announcement with { ThreadMessageId = announcement.OpensThread ? null : ThreadOf(posted) };
                    var messageId = await announcer.AnnounceAsync(announcement, cancellationToken).ConfigureAwait(false) ?? "";
                    await table.UpsertEntityAsync(new TableEntity(server, PostedRow(kind, state))
                    {
                        ["IdempotencyKey"] = key,
                        ["MessageId"] = messageId,
                        ["PostedAt"] = time.GetUtcNow(),
                    }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                    posted[key] = messageId;
                    LogAnnounced(key, messageId);
                }

                await table.UpdateEntityAsync(
                    new TableEntity(server, rowKey) { ["Delivered"] = true, ["LeaseUntil"] = time.GetUtcNow() }, ETag.All, TableUpdateMode.Merge, cancellationToken)
                    .ConfigureAwait(false);
                delivered++;
            }
            catch (Teams.TeamsDeliveryException ex) when (ex.StatusCode is 400 or 413)
            {
                // Teams refused this card itself: retrying cannot help, and waiting would hold back every later card
                // of the incident (they go in order). The row keeps the reason; operators hear of it at Critical.
                LogCardRefused(server, rowKey, ex.StatusCode.Value, ex.Message);
                await AbandonAsync(server, rowKey, ex, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Never fails the engine call: the change is committed and the row waits for the next tick.
                LogDeliveryFailed(server, rowKey, ex.GetType().Name, ex.Message);
                await ReleaseAsync(server, rowKey, ex, cancellationToken).ConfigureAwait(false);
                return delivered;
            }
        }

        return delivered;
    }

    /// <summary>
    /// The tick's pass over one incident the index lists as having notices: its undelivered rows, oldest first.
    /// Returns whether any is still waiting (then the index entry stays).
    /// </summary>
    public async Task<bool> RedeliverAsync(string server, IncidentKind kind, CancellationToken cancellationToken)
    {
        var from = $"notice~{kind}~";
        var to = $"notice~{kind}~~";
        var pending = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {server} and RowKey gt {from} and RowKey lt {to} and Delivered eq false"),
            select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            pending.Add(row.RowKey);
        }

        if (pending.Count == 0)
        {
            return false;
        }

        var delivered = await DeliverAsync(server, kind, pending, cancellationToken).ConfigureAwait(false);
        return delivered < pending.Count || announcer is null;
    }

    private async Task<(Claim Claim, TableEntity? Row)> ClaimAsync(string server, string rowKey, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(server, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue || response.Value!.GetBoolean("Delivered") == true)
        {
            return (Claim.NothingToDo, null);
        }

        var row = response.Value;
        var now = time.GetUtcNow();
        // Any live lease blocks, this instance's own included: two concurrent ticks of one host must not both post.
        if (row.GetDateTimeOffset("LeaseUntil") is { } until && until > now)
        {
            return (Claim.HeldByAnother, null);
        }

        var claim = new TableEntity(server, rowKey) { ["LeaseUntil"] = now + Lease, ["LeaseOwner"] = _instance };
        try
        {
            var updated = await table.UpdateEntityAsync(claim, row.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            row.ETag = updated.Headers.ETag ?? row.ETag;
            return (Claim.Claimed, row);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return (Claim.HeldByAnother, null);
        }
    }

    private async Task AbandonAsync(string server, string rowKey, Exception error, CancellationToken cancellationToken)
    {
        var message = error.Message.Length > MaxErrorLength ? error.Message[..MaxErrorLength] : error.Message;
        await table.UpdateEntityAsync(new TableEntity(server, rowKey)
        {
            ["Delivered"] = true,
            ["Abandoned"] = true,
            ["LastError"] = $"{error.GetType().Name}: {message}",
            ["LeaseUntil"] = time.GetUtcNow(),
        }, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReleaseAsync(string server, string rowKey, Exception error, CancellationToken cancellationToken)
    {
        try
        {
            var current = await table.GetEntityIfExistsAsync<TableEntity>(server, rowKey, select: ["Attempts"], cancellationToken: cancellationToken).ConfigureAwait(false);
            var attempts = current.HasValue ? current.Value!.GetInt32("Attempts") ?? 0 : 0;
            var message = error.Message.Length > MaxErrorLength ? error.Message[..MaxErrorLength] : error.Message;
            await table.UpdateEntityAsync(new TableEntity(server, rowKey)
            {
                ["Attempts"] = attempts + 1,
                ["LastError"] = $"{error.GetType().Name}: {message}",
                ["LeaseUntil"] = time.GetUtcNow(),
            }, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The lease runs out on its own; the next tick tries again.
            LogReleaseFailed(server, rowKey, ex.GetType().Name);
        }
    }

    private async Task<Dictionary<string, string>> PostedAsync(string server, IncidentKind kind, string incidentId, CancellationToken cancellationToken)
    {
        var from = $"posted~{kind}~";
        var to = $"posted~{kind}~~";
        var posted = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {server} and RowKey gt {from} and RowKey lt {to}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            posted[row.GetString("IdempotencyKey") ?? $"{incidentId}/{row.RowKey[from.Length..]}"] = row.GetString("MessageId") ?? "";
        }

        return posted;
    }

    /// <summary>The latest opening card (opened or reopened) that has a message id, else the first message with one.</summary>
    internal static string? ThreadOf(IReadOnlyDictionary<string, string> posted)
    {
        var withIds = posted.Where(p => p.Value.Length > 0).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var openers = withIds.Where(p => p.Key.EndsWith("-" + Slug(NotificationKind.IncidentOpened), StringComparison.Ordinal)
            || p.Key.EndsWith("-" + Slug(NotificationKind.Reopened), StringComparison.Ordinal)).ToList();
        return openers.Count > 0 ? openers[^1].Value : withIds.FirstOrDefault().Value;
    }

    private enum Claim
    {
        NothingToDo,
        HeldByAnother,
        Claimed,
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Announced {IdempotencyKey} (message {MessageId})")]
    private partial void LogAnnounced(string idempotencyKey, string messageId);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Notification {Server}/{RowKey}: Teams refused the card (status {Status}: {Detail}); it is abandoned, later cards go on")]
    private partial void LogCardRefused(string server, string rowKey, int status, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Server}/{RowKey} not delivered ({Error}: {Detail}); the next tick retries it")]
    private partial void LogDeliveryFailed(string server, string rowKey, string error, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Server}/{RowKey}: could not release the claim ({Error}); it expires on its own")]
    private partial void LogReleaseFailed(string server, string rowKey, string error);
}
