namespace ImapAutomation.Core.Incidents;

/// <summary>
/// Tells people about an incident change (Teams in production). Called by the engine after the change committed, for
/// each notification row of its outbox, in order; optional, so the engine runs without one (rows wait undelivered).
/// </summary>
public interface IIncidentAnnouncer
{
    /// <summary>Posts the announcement once; returns the posted message's id (null when the transport gives none).</summary>
    /// <exception cref="Teams.TeamsDeliveryException">The transport did not take it; the engine keeps the row for the next tick.</exception>
    Task<string?> AnnounceAsync(IncidentAnnouncement announcement, CancellationToken cancellationToken);
}

/// <summary>One notification to announce, with the incident as it was when the notification was written.</summary>
/// <param name="Notification">What happened.</param>
/// <param name="State">The notification's idempotency state, unique per incident (e.g. <c>0000000007-approval-requested</c>).</param>
/// <param name="Incident">The incident as committed with the notification (not as it is now).</param>
/// <param name="Timeline">The incident's timeline as read at delivery.</param>
/// <param name="PostedMessages">What was already posted for the incident: idempotency key (<c>incidentId/state</c>) to message id ("" when none).</param>
/// <param name="ThreadMessageId">The message that opened the incident's thread, for updates to reply under; null for an opening card.</param>
public sealed record IncidentAnnouncement(
    IncidentNotification Notification,
    string State,
    Incident Incident,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyDictionary<string, string> PostedMessages,
    string? ThreadMessageId)
{
    /// <summary>True for the cards that start a thread (opened, reopened): they are posted top-level.</summary>
    public bool OpensThread => Notification.Kind is NotificationKind.IncidentOpened or NotificationKind.Reopened;
}
