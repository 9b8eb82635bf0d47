using Azure.Data.Tables;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Policy;

namespace ImapAutomation.Core.Incidents;

/// <summary>What the engine knows from outside the incident row when it decides to act.</summary>
internal sealed record IncidentFacts(
    TableEntity? ServerLock,
    string? ServerBusyWith,
    string? SuppressedBy,
    BreakerState Breaker,
    string? DagBusyWith);

/// <summary>
/// One decision over a fresh copy of an incident: the state machine mutates it and collects the timeline entries,
/// requests and notifications to write in one transaction. Rebuilt from the row on every optimistic retry.
/// </summary>
internal sealed class IncidentWork(Incident incident, bool isNew, DateTimeOffset now)
{
    public Incident Incident { get; } = incident;

    public bool IsNew { get; } = isNew;

    public DateTimeOffset Now { get; } = now;

    public bool WasInFlight { get; } = !isNew && incident.State is IncidentState.Remediating or IncidentState.Verifying;

    public List<TimelineEntry> Timeline { get; } = [];

    public List<RunbookRequest> Requests { get; } = [];

    public List<IncidentNotification> Notifications { get; } = [];

    /// <summary>The decision wants to start a step or touch the lock and needs <see cref="IncidentFacts"/> first.</summary>
    public bool NeedsFacts { get; set; }

    /// <summary>Counters or state changed: the incident row must be written.</summary>
    public bool Changed { get; set; }

    public string? Ignored { get; set; }

    public bool IsInFlight => Incident.State is IncidentState.Remediating or IncidentState.Verifying;

    public void Log(string actor, string what, string? detail = null)
    {
        Incident.TimelineCount++;
        Timeline.Add(new(Incident.TimelineCount, Now, actor, what, detail));
        Changed = true;
    }

    public void SetState(IncidentState state, string? reason)
    {
        if (Incident.State != state)
        {
            Incident.StateChangedAt = Now;
        }

        Incident.State = state;
        Incident.StateReason = reason;
        Changed = true;
    }

    public void Notify(NotificationKind kind, string text, string? relatedIncidentId = null) =>
        Notifications.Add(new(kind, Incident.Id, text, relatedIncidentId));
}
