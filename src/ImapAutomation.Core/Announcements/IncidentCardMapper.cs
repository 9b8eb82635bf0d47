using System.Globalization;
using System.Text.Json.Nodes;
using ImapAutomation.Core.Approvals;
using ImapAutomation.Core.Cards;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Detection;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Policy;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Core.Announcements;

/// <summary>
/// Turns an incident notification into the card for it: opened → incident card; approval requested → incident card
/// with signed Approve/Reject links; remediation queued → progress card; resolved → result card; failed, escalated,
/// fleet-escalated, fleet-held and request-rejected → escalation card. Text from events goes through the builders' escaping.
/// </summary>
public sealed class IncidentCardMapper(
    IncidentCardBuilder incidentCards,
    ProgressCardBuilder progressCards,
    ResultCardBuilder resultCards,
    EscalationCardBuilder escalationCards,
    ApprovalTokens tokens,
    IOptions<AnnouncerOptions> options,
    IOptions<PolicyOptions> policy)
{
    private readonly AnnouncerOptions _options = options.Value;
    private readonly PolicyOptions _policy = policy.Value;

    public JsonObject Build(IncidentAnnouncement announcement)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        return announcement.Notification.Kind switch
        {
            NotificationKind.IncidentOpened or NotificationKind.Reopened => incidentCards.Build(IncidentModel(announcement.Incident, withApprovalLinks: false)),
            NotificationKind.ApprovalRequested => incidentCards.Build(IncidentModel(announcement.Incident, withApprovalLinks: true)),
            NotificationKind.RemediationQueued => progressCards.Build(ProgressModel(announcement)),
            NotificationKind.Resolved => resultCards.Build(ResultModel(announcement)),
            _ => escalationCards.Build(EscalationModel(announcement)),
        };
    }

    /// <summary>Plain text for previews and activity feeds: built from validated names only (server, kind), never event text.</summary>
    public static string Summary(IncidentAnnouncement announcement)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        var incident = announcement.Incident;
        var what = announcement.Notification.Kind switch
        {
            NotificationKind.IncidentOpened => "incident opened",
            NotificationKind.Reopened => $"incident is back (episode {incident.Episode.ToString(CultureInfo.InvariantCulture)})",
            NotificationKind.ApprovalRequested => $"approval needed for {CurrentRunbook(incident)}",
            NotificationKind.RemediationQueued => $"{CurrentRunbook(incident)} queued (attempt {incident.Attempt.ToString(CultureInfo.InvariantCulture)})",
            NotificationKind.Resolved => "resolved",
            NotificationKind.Failed => "remediation rejected",
            NotificationKind.RequestRejected => "runbook request refused by the worker",
            NotificationKind.FleetHeld => "held by the fleet circuit breaker",
            _ => "needs a person",
        };
        return $"{incident.Kind} on {incident.Server}: {what}";
    }

    internal IncidentCardModel IncidentModel(Incident incident, bool withApprovalLinks)
    {
        Uri? approve = null;
        Uri? reject = null;
        if (withApprovalLinks && incident.State == IncidentState.AwaitingApproval && incident.CurrentStep < incident.Plan.Count)
        {
            var token = tokens.Issue(incident, _options.ApprovalLinkLifetime);
            approve = _options.Api($"approvals/{token}?decision=approve");
            reject = _options.Api($"approvals/{token}?decision=reject");
        }

        return new IncidentCardModel(
            incident.Id,
            incident.Server,
            incident.Kind,
            Severity(incident.Kind),
            StateName(incident.State),
            incident.EventCount,
            incident.FirstSeen,
            incident.LastSeen,
            Evidence(incident),
            Plan(incident, approve, reject),
            IncidentUrl(incident));
    }

    private ProgressCardModel ProgressModel(IncidentAnnouncement announcement)
    {
        var incident = announcement.Incident;
        var approved = incident.ApprovedBy is null ? "" : $", approved by {incident.ApprovedBy}";
        var headline = $"Queued {CurrentRunbook(incident)} (attempt {incident.Attempt.ToString(CultureInfo.InvariantCulture)}{approved})";
        return new ProgressCardModel(incident.Id, incident.Server, incident.Kind, headline, Plan(incident, null, null), IncidentUrl(incident));
    }

    private ResultCardModel ResultModel(IncidentAnnouncement announcement)
    {
        var incident = announcement.Incident;
        var changes = incident.Plan
            .Where(s => s.State is StepState.Succeeded or StepState.Skipped)
            .Select(s => new ChangeModel(s.Runbook, Before(incident, s), s.Outcome ?? s.State.ToString(),
                s.Changes?.Select(c => new StateChangeModel(c.Path, c.Before, c.After)).ToList(), s.ChangesOmitted))
            .ToList();
        var verified = announcement.Timeline.LastOrDefault(e => e.What == "verified");
        var verification = new VerificationModel(Passed: true, Detail: verified?.Detail ?? "the plan completed");
        var started = incident.LastAttemptAt ?? incident.FirstSeen;
        var finished = incident.StateChangedAt > started ? incident.StateChangedAt : started;
        return new ResultCardModel(incident.Id, incident.Server, incident.Kind, Succeeded: true, changes, verification, finished - started, incident.ApprovedBy, IncidentUrl(incident));
    }

    private EscalationCardModel EscalationModel(IncidentAnnouncement announcement)
    {
        var incident = announcement.Incident;
        var text = announcement.Notification.Text;
        var reason = announcement.Notification.Kind switch
        {
            NotificationKind.Failed => EscalationReason.ApprovalRejected,
            NotificationKind.RequestRejected => EscalationReason.RequestRejected,
            NotificationKind.FleetEscalated => EscalationReason.CircuitBreakerOpen,
            NotificationKind.FleetHeld => EscalationReason.FleetBreakerHeld,
            _ when text.StartsWith("flapping", StringComparison.Ordinal) => EscalationReason.Flapping,
            _ when text.StartsWith("fleet circuit breaker", StringComparison.Ordinal) => EscalationReason.CircuitBreakerOpen,
            _ when text.StartsWith("diagnostics collected", StringComparison.Ordinal) => EscalationReason.NoAutomaticFix,
            _ => EscalationReason.AttemptsExhausted,
        };
        var commands = incident.Plan
            .Where(s => s.State is not (StepState.Succeeded or StepState.Skipped))
            .Select(s => ManualCommand(s.Runbook, incident.Server))
            .ToList();
        var fleet = announcement.Notification.Kind == NotificationKind.FleetHeld
            && IncidentIds.TryParse(announcement.Notification.RelatedIncidentId, out var fleetServer, out var fleetKind)
                ? IncidentUrl(fleetServer, fleetKind)
                : null;
        return new EscalationCardModel(incident.Id, incident.Server, incident.Kind, reason, text, incident.Attempt, commands, IncidentUrl(incident), fleet);
    }

    private List<PlanStepModel> Plan(Incident incident, Uri? approve, Uri? reject)
    {
        var steps = new List<PlanStepModel>(incident.Plan.Count);
        for (var i = 0; i < incident.Plan.Count; i++)
        {
            var step = incident.Plan[i];
            var needsApproval = _policy.NeedsApproval(step.Runbook);
            var current = i == incident.CurrentStep;
            var status = step.State switch
            {
                StepState.Queued => PlanStepStatus.Running,
                StepState.Succeeded => PlanStepStatus.Succeeded,
                StepState.Failed => PlanStepStatus.Failed,
                StepState.Skipped => PlanStepStatus.Skipped,
                _ when current && incident.State == IncidentState.Failed && incident.ApprovedBy is null && needsApproval => PlanStepStatus.Rejected,
                _ when current && incident.State == IncidentState.AwaitingApproval && approve is not null => PlanStepStatus.AwaitingApproval,
                _ when current && needsApproval && incident.ApprovedBy is not null => PlanStepStatus.Approved,
                _ => PlanStepStatus.Pending,
            };
            var links = status == PlanStepStatus.AwaitingApproval;
            steps.Add(new PlanStepModel(StepTitle(step.Runbook), status, needsApproval, links ? approve : null, links ? reject : null));
        }

        return steps;
    }

    private static List<EvidenceItem> Evidence(Incident incident)
    {
        var items = new List<EvidenceItem>(incident.Evidence.Count);
        foreach (var (key, count) in incident.Evidence)
        {
            var slash = key.LastIndexOf('/');
            var eventId = slash > 0 && int.TryParse(key.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;
            items.Add(new EvidenceItem(slash > 0 ? key[..slash] : key, eventId, count));
        }

        return items;
    }

    private static string Before(Incident incident, PlanStep step) =>
        step.Runbook == RunbookNames.GetImapDiagnostics || step.Runbook == RunbookNames.TestImapTls
            ? "(read only)"
            : CardVocabularyText.Problem(incident.Kind);

    private Uri IncidentUrl(Incident incident) => IncidentUrl(incident.Server, incident.Kind);

    private Uri IncidentUrl(string server, IncidentKind kind) =>
        _options.Api($"incidents/{Uri.EscapeDataString(server)}/{kind}");

    private static CardSeverity Severity(IncidentKind kind) => kind switch
    {
        IncidentKind.ImapCertificateBinding or IncidentKind.TlsHandshakeFailure => CardSeverity.Critical,
        _ => CardSeverity.Warning,
    };

    private static string StateName(IncidentState state) => state switch
    {
        IncidentState.AwaitingApproval => "Awaiting approval",
        _ => state.ToString(),
    };

    private static string CurrentRunbook(Incident incident) =>
        incident.CurrentStep < incident.Plan.Count ? incident.Plan[incident.CurrentStep].Runbook : "the plan";

    private static string StepTitle(string runbook) => runbook switch
    {
        RunbookNames.GetImapDiagnostics => "Collect IMAP diagnostics (Get-ImapDiagnostics)",
        RunbookNames.SetImapCertificate => "Bind a valid certificate to IMAP (Set-ImapCertificate)",
        RunbookNames.RestartImapServices => "Restart MSExchangeIMAP4 and MSExchangeIMAP4BE (Restart-ImapServices)",
        RunbookNames.TestImapTls => "Verify with an IMAPS handshake on port 993 (Test-ImapTls)",
        RunbookNames.SetImapConnectionLimits => "Raise the IMAP connection limits (Set-ImapConnectionLimits)",
        RunbookNames.SetImapThrottlingPolicy => "Lift the IMAP throttling budgets (Set-ImapThrottlingPolicy)",
        RunbookNames.SetStoreSessionLimits => "Raise the store session limits (Set-StoreSessionLimits)",
        RunbookNames.SetImapProtocolLogQuota => "Cap the IMAP protocol log size (Set-ImapProtocolLogQuota)",
        RunbookNames.DisableImapNtlm => "Turn off NTLM for IMAP (Disable-ImapNtlm)",
        _ => runbook,
    };

    /// <summary>The command a person runs on the hybrid worker; the server is a validated host name, the runbook a catalog name.</summary>
    private static string ManualCommand(string runbook, string server) => runbook == RunbookNames.TestImapTls
        ? $"openssl s_client -connect {server}:993 -servername {server} -brief </dev/null"
        : $@".\runbooks\{runbook}.ps1 -Server {server} -WhatIf; .\runbooks\{runbook}.ps1 -Server {server}";
}

/// <summary>The "before" column of a result: what the incident kind says was wrong.</summary>
internal static class CardVocabularyText
{
    public static string Problem(IncidentKind kind) => kind switch
    {
        IncidentKind.ImapCertificateBinding => "no usable IMAP certificate bound",
        IncidentKind.TlsHandshakeFailure => "TLS handshakes failing",
        IncidentKind.ImapProxyAuthFailure => "proxy authentication failing",
        IncidentKind.ImapConnectionLimit => "clients refused at the connection limit",
        _ => kind.ToString(),
    };
}
