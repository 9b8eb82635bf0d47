using System.Text.Json;
using ImapAutomation.Core.Catalog;

namespace ImapAutomation.Core.Incidents;

public enum IncidentState
{
    Open,
    AwaitingApproval,
    Remediating,
    Verifying,
    Resolved,
    Failed,
    Escalated,
    Suppressed,
}

public enum StepState
{
    Pending,
    Queued,
    Succeeded,
    Failed,
    Skipped,
}

/// <summary>One runbook of the plan; <see cref="RequestId"/> is the request of its latest attempt.</summary>
public sealed class PlanStep
{
    public required string Runbook { get; init; }

    public StepState State { get; set; }

    public int Attempt { get; set; }

    public string? RequestId { get; set; }

    public DateTimeOffset? QueuedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public string? Outcome { get; set; }

    /// <summary>What the run changed (values that differ between the worker's before and after state), bounded by <see cref="StateDiff"/>; null when the result carried no state.</summary>
    public List<StateChange>? Changes { get; set; }

    /// <summary>How many more changed values the result showed than <see cref="Changes"/> keeps.</summary>
    public int ChangesOmitted { get; set; }

    /// <summary>Values an operator gave (validated against the catalog); the catalog defaults fill in the rest.</summary>
    public Dictionary<string, JsonElement>? Parameters { get; set; }

    public bool WhatIf { get; set; }

    /// <summary>Who asked for this step: an operator's UPN, or null for the system's own plan.</summary>
    public string? RequestedBy { get; set; }
}

/// <summary>An append-only timeline entry: who did what, when.</summary>
public sealed record TimelineEntry(long Sequence, DateTimeOffset At, string Actor, string What, string? Detail);

/// <summary>
/// The durable incident of one server and cause. One row per (server, kind); a recurrence after Resolved reopens
/// the same incident as a new <see cref="Episode"/>.
/// </summary>
public sealed class Incident
{
    public required string Server { get; init; }

    public required IncidentKind Kind { get; init; }

    public string Id => IncidentIds.For(Server, Kind);

    public IncidentState State { get; set; }

    public string? StateReason { get; set; }

    public int Episode { get; set; } = 1;

    public long EventCount { get; set; }

    public long DetectionCount { get; set; }

    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset StateChangedAt { get; set; }

    /// <summary>Events per source and event id (<c>Schannel/36888</c>), summed over detections.</summary>
    public Dictionary<string, long> Evidence { get; set; } = new(StringComparer.Ordinal);

    public List<PlanStep> Plan { get; set; } = [];

    public int CurrentStep { get; set; }

    /// <summary>1 for the first run of the plan in this episode; a failure starts the next attempt from step 0.</summary>
    public int Attempt { get; set; } = 1;

    public string? ApprovedBy { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public List<DateTimeOffset> Reopens { get; set; } = [];

    /// <summary>Fingerprints of recently counted detections, so a redelivered detection is not counted twice.</summary>
    public List<string> RecentDetections { get; set; } = [];

    public long TimelineCount { get; set; }

    /// <summary>Idempotency keys of recent operator runs (<c>key|unixSeconds</c>), so a retried trigger queues nothing new.</summary>
    public List<string> OperatorKeys { get; set; } = [];

    public bool IsClosed => State is IncidentState.Resolved or IncidentState.Failed or IncidentState.Escalated;
}

public static class IncidentIds
{
    public static string For(string server, IncidentKind kind) => $"{server}/{kind}";

    public static bool TryParse(string? incidentId, out string server, out IncidentKind kind)
    {
        server = "";
        kind = default;
        var slash = incidentId?.LastIndexOf('/') ?? -1;
        if (slash <= 0 || !Contracts.ParameterValidator.IsHostName(incidentId![..slash])
            || !Enum.TryParse(incidentId[(slash + 1)..], ignoreCase: false, out kind) || !Enum.IsDefined(kind)
            || int.TryParse(incidentId[(slash + 1)..], out _))
        {
            return false;
        }

        server = incidentId[..slash].ToLowerInvariant();
        return true;
    }
}

public enum NotificationKind
{
    IncidentOpened,
    ApprovalRequested,
    RemediationQueued,
    Resolved,
    Reopened,
    Failed,
    Escalated,
    FleetEscalated,
    RequestRejected,

    /// <summary>A change of this incident was held because another server's incident tripped the fleet circuit breaker.</summary>
    FleetHeld,
}

/// <summary>Something a person should hear about; exactly one writer emits each (the one whose write won).</summary>
/// <param name="Kind">What happened.</param>
/// <param name="IncidentId">The incident it happened to.</param>
/// <param name="Text">The detail, as the state machine wrote it.</param>
/// <param name="RelatedIncidentId">Another incident the card points to (for <see cref="NotificationKind.FleetHeld"/>: the one whose card announced the fleet breaker).</param>
public sealed record IncidentNotification(NotificationKind Kind, string IncidentId, string Text, string? RelatedIncidentId = null);

/// <summary>What one engine call did: the incident after it, the writes it took and what to tell people.</summary>
public sealed record IncidentChange(
    Incident? Incident,
    IReadOnlyList<IncidentNotification> Notifications,
    IReadOnlyList<string> QueuedRequestIds,
    int Writes,
    int Conflicts,
    string? Ignored = null);
