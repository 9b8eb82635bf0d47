using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Detection;

namespace ImapAutomation.Core.Cards;

/// <summary>How loud a card is: the header colour and the word operators scan for.</summary>
public enum CardSeverity
{
    Info,
    Warning,
    Critical,
}

/// <summary>Where one plan step stands; shown beside the step on incident and progress cards.</summary>
public enum PlanStepStatus
{
    Pending,
    AwaitingApproval,
    Approved,
    Rejected,
    Running,
    Succeeded,
    Failed,
    Skipped,
}

/// <summary>Why automation stopped and handed the incident to a person.</summary>
public enum EscalationReason
{
    AttemptsExhausted,
    CircuitBreakerOpen,
    Flapping,
    PoisonMessage,
    ApprovalRejected,
    NoAutomaticFix,
    RequestRejected,
    FleetBreakerHeld,
}

/// <summary>One remediation step; approval links are the signed approval-page URLs (Action.OpenUrl, no bot needed).</summary>
public sealed record PlanStepModel(
    string Title,
    PlanStepStatus Status,
    bool RequiresApproval = false,
    Uri? ApproveUrl = null,
    Uri? RejectUrl = null);

/// <summary>What the incident card shows: the diagnosis, its evidence and the plan.</summary>
/// <remarks>Server, evidence and step titles may carry event text: the builder escapes them, callers need not.</remarks>
public sealed record IncidentCardModel(
    string IncidentId,
    string Server,
    IncidentKind Kind,
    CardSeverity Severity,
    string State,
    long EventCount,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyList<EvidenceItem> Evidence,
    IReadOnlyList<PlanStepModel> Plan,
    Uri IncidentUrl,
    Uri? RerunDiagnosticsUrl = null);

/// <summary>One row of the result card's before/after table.</summary>
/// <remarks>
/// <paramref name="State"/>: the values the step changed, as the worker's state documents show them (untrusted text,
/// escaped by the builder); <paramref name="StateOmitted"/>: how many more changed than the incident kept.
/// </remarks>
public sealed record ChangeModel(string Item, string Before, string After, IReadOnlyList<StateChangeModel>? State = null, int StateOmitted = 0);

/// <summary>One changed value of a step: where in the state, before and after (null: not there).</summary>
public sealed record StateChangeModel(string Property, string? Before, string? After);

/// <summary>The outcome of the post-fix check (a real IMAPS handshake on the hybrid worker).</summary>
public sealed record VerificationModel(
    bool Passed,
    string? CertificateSubject = null,
    string? Thumbprint = null,
    DateTimeOffset? NotAfter = null,
    string? Protocol = null,
    string? Detail = null);

/// <summary>What the result card shows once a runbook has run.</summary>
public sealed record ResultCardModel(
    string IncidentId,
    string Server,
    IncidentKind Kind,
    bool Succeeded,
    IReadOnlyList<ChangeModel> Changes,
    VerificationModel Verification,
    TimeSpan Duration,
    string? ApprovedBy,
    Uri IncidentUrl);

/// <summary>What the escalation card shows: why automation stopped and the exact commands to run by hand.</summary>
/// <remarks><paramref name="FleetIncidentUrl"/>: for an incident held by the fleet breaker, the incident whose card announced it.</remarks>
public sealed record EscalationCardModel(
    string IncidentId,
    string Server,
    IncidentKind Kind,
    EscalationReason Reason,
    string Detail,
    int Attempts,
    IReadOnlyList<string> ManualCommands,
    Uri IncidentUrl,
    Uri? FleetIncidentUrl = null);

/// <summary>A small update posted as a reply in the incident's thread (approval given, step running...).</summary>
public sealed record ProgressCardModel(
    string IncidentId,
    string Server,
    IncidentKind Kind,
    string Headline,
    IReadOnlyList<PlanStepModel> Plan,
    Uri IncidentUrl);
