using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Teams;

namespace ImapAutomation.Core.Announcements;

/// <summary>Announces incident changes in Teams: the mapped card, keyed <c>incidentId/state</c>, replies threaded under the incident's first message.</summary>
internal sealed class TeamsAnnouncer(IncidentCardMapper cards, ITeamsNotifier teams) : IIncidentAnnouncer
{
    public async Task<string?> AnnounceAsync(IncidentAnnouncement announcement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        var notification = new TeamsNotification(
            announcement.Incident.Id,
            announcement.State,
            cards.Build(announcement),
            IncidentCardMapper.Summary(announcement),
            announcement.ThreadMessageId,
            NotifyApprovers: announcement.Notification.Kind == NotificationKind.ApprovalRequested);
        var result = await teams.PostAsync(notification, announcement.PostedMessages, cancellationToken).ConfigureAwait(false);
        return result.MessageId;
    }
}
