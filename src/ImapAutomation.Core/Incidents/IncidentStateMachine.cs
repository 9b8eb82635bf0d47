using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Policy;
using DetectionRecord = ImapAutomation.Core.Detection.Detection;

namespace ImapAutomation.Core.Incidents;

/// <summary>
/// The incident state machine and the remediation policy, free of I/O: Open → AwaitingApproval → Remediating →
/// Verifying → Resolved, or Failed / Escalated; Suppressed while a maintenance window or mute covers the server.
/// </summary>
internal sealed partial class IncidentStateMachine(PolicyOptions policy, RunbookRequestSigner signer)
{
    public const string System = "system";
    public const int MaxPlanSteps = 10;
    public const int MaxRecentDetections = 128;

    public PolicyOptions Policy => policy;

    public static string Fingerprint(DetectionRecord detection)
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{detection.Server}|{detection.Kind}|{detection.EventCount}|{detection.FirstSeen.UtcTicks}|{detection.LastSeen.UtcTicks}");
        foreach (var item in detection.Evidence)
        {
            text.Append(CultureInfo.InvariantCulture, $"|{item.Source}/{item.EventId}={item.Count}/{item.TlsAlert}/{item.ErrorState}");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 6));
    }

    /// <summary>Why a detection cannot become an incident, or null. Such input never reaches the table.</summary>
    public static string? CheckDetection(DetectionRecord detection)
    {
        if (!ParameterValidator.IsHostName(detection.Server))
        {
            return $"server {ParameterValidator.Show(detection.Server)} is not a DNS host name";
        }

        if (!Enum.IsDefined(detection.Kind) || detection.Kind == IncidentKind.OperatorRequest)
        {
            return $"kind {detection.Kind} is not a detected incident kind";
        }

        if (detection.EventCount < 0 || detection.LastSeen < detection.FirstSeen)
        {
            return "event count is negative or lastSeen is before firstSeen";
        }

        return detection.Plan.Count > MaxPlanSteps ? $"plan has {detection.Plan.Count} steps, at most {MaxPlanSteps} allowed" : null;
    }

    public static Incident Create(string server, IncidentKind kind) => new() { Server = server, Kind = kind, State = IncidentState.Open };

    /// <summary>Folds detections into the incident (each fingerprint counted once), reopening it after Resolved.</summary>
    public void Ingest(IncidentWork work, IReadOnlyList<DetectionRecord> detections, IncidentFacts? facts)
    {
        var incident = work.Incident;
        var seen = new HashSet<string>(incident.RecentDetections, StringComparer.Ordinal);
        var fresh = detections.Where(d => seen.Add(Fingerprint(d))).ToList();
        if (fresh.Count == 0)
        {
            work.Ignored = "detection already counted (redelivered)";
            return;
        }

        if (work.IsNew)
        {
            incident.FirstSeen = fresh.Min(d => d.FirstSeen);
            incident.LastSeen = fresh.Max(d => d.LastSeen);
            incident.StateChangedAt = work.Now;
            incident.Plan = BuildPlan(work, fresh[^1].Plan);
            work.Log("detection", "detected", $"{fresh.Sum(d => d.EventCount)} events of {incident.Kind} on {incident.Server}");
            work.Notify(NotificationKind.IncidentOpened, $"{incident.Kind} on {incident.Server}");
        }
        else if (incident.State == IncidentState.Resolved && fresh.Any(d => d.LastSeen > incident.StateChangedAt))
        {
            Reopen(work, fresh[^1]);
        }

        foreach (var detection in fresh)
        {
            incident.EventCount += detection.EventCount;
            incident.DetectionCount++;
            incident.FirstSeen = detection.FirstSeen < incident.FirstSeen ? detection.FirstSeen : incident.FirstSeen;
            incident.LastSeen = detection.LastSeen > incident.LastSeen ? detection.LastSeen : incident.LastSeen;
            foreach (var item in detection.Evidence)
            {
                var key = string.Create(CultureInfo.InvariantCulture, $"{item.Source}/{item.EventId}");
                incident.Evidence[key] = incident.Evidence.GetValueOrDefault(key) + item.Count;
            }

            incident.RecentDetections.Add(Fingerprint(detection));
        }

        if (incident.RecentDetections.Count > MaxRecentDetections)
        {
            incident.RecentDetections.RemoveRange(0, incident.RecentDetections.Count - MaxRecentDetections);
        }

        work.Changed = true;
        Advance(work, facts);
    }

    public void Approve(IncidentWork work, string approver, IncidentFacts? facts)
    {
        var incident = work.Incident;
        if (incident.State != IncidentState.AwaitingApproval)
        {
            work.Ignored = $"incident is {incident.State}, not awaiting approval";
            return;
        }

        incident.ApprovedBy = approver;
        work.Log(approver, "approved", incident.Plan[incident.CurrentStep].Runbook);
        Advance(work, facts);
    }

    public static void Reject(IncidentWork work, string approver, string? reason)
    {
        if (work.Incident.State != IncidentState.AwaitingApproval)
        {
            work.Ignored = $"incident is {work.Incident.State}, not awaiting approval";
            return;
        }

        work.Log(approver, "approval rejected", reason);
        work.SetState(IncidentState.Failed, $"remediation rejected by {approver}");
        work.Notify(NotificationKind.Failed, $"remediation rejected by {approver}");
    }

    public void ApplyResult(IncidentWork work, RunbookResult result, IncidentFacts? facts)
    {
        var incident = work.Incident;
        var index = incident.Plan.FindIndex(s => s.RequestId == result.RequestId);
        if (index < 0 || index != incident.CurrentStep || incident.Plan[index].State != StepState.Queued || !work.WasInFlight)
        {
            work.Ignored = "result for a request that is not awaited (already applied or superseded)";
            work.Log("hybrid-worker", "result ignored", $"{result.Status} for request {result.RequestId}: {work.Ignored}");
            return;
        }

        if (facts is null)
        {
            work.NeedsFacts = true;
            return;
        }

        var step = incident.Plan[index];
        step.CompletedAt = result.CompletedAt;
        step.Outcome = Summary(result);
        (step.Changes, step.ChangesOmitted) = StateDiff.Between(result.BeforeState, result.AfterState);
        work.Log("hybrid-worker", "result", $"{step.Runbook} {step.Outcome}");
        switch (result.Status)
        {
            case RunbookStatus.Rejected:
                step.State = StepState.Failed;
                work.SetState(IncidentState.Failed, $"request rejected by the worker: {FirstLine(result.Error)}");
                work.Notify(NotificationKind.RequestRejected, incident.StateReason!);
                return;
            case RunbookStatus.Failed or RunbookStatus.TimedOut:
                step.State = StepState.Failed;
                FailAttempt(work, $"{step.Runbook} {result.Status}: {FirstLine(result.Error)}", facts);
                return;
            default:
                break;
        }

        step.State = result.Status == RunbookStatus.Skipped ? StepState.Skipped : StepState.Succeeded;
        if (result.Verification == VerificationOutcome.Failed)
        {
            FailAttempt(work, $"verification failed: {result.VerificationDetail}", facts);
            return;
        }

        if (index < incident.Plan.Count - 1 && result.Verification != VerificationOutcome.Passed)
        {
            incident.CurrentStep++;
            work.SetState(IncidentState.Open, null);
            Advance(work, facts);
            return;
        }

        if (incident.Kind == IncidentKind.OperatorRequest)
        {
            CompleteOperatorRun(work, step);
            return;
        }

        if (!incident.Plan.Any(s => IsChange(s.Runbook)))
        {
            work.SetState(IncidentState.Escalated, "diagnostics collected; the catalog has no automatic fix for this cause");
            work.Log(System, "escalated", incident.StateReason);
            work.Notify(NotificationKind.Escalated, incident.StateReason!);
            return;
        }

        work.Log(System, "verified", result.VerificationDetail ?? $"{step.Runbook} {result.Status}");
        work.SetState(IncidentState.Resolved, null);
        work.Log(System, "resolved");
        work.Notify(NotificationKind.Resolved, $"{incident.Kind} on {incident.Server} resolved");
    }

    /// <summary>Periodic pass: time out requests whose result never came, retry waiting incidents.</summary>
    public void Tick(IncidentWork work, IncidentFacts? facts)
    {
        var incident = work.Incident;
        if (work.WasInFlight && incident.CurrentStep < incident.Plan.Count
            && incident.Plan[incident.CurrentStep] is { State: StepState.Queued, ExpiresAt: { } expires } step
            && work.Now > expires + TimeSpan.FromMinutes(5))
        {
            if (facts is null)
            {
                work.NeedsFacts = true;
                return;
            }

            step.State = StepState.Failed;
            step.Outcome = "no result before the request expired";
            work.Log(System, "timed out", $"{step.Runbook} request {step.RequestId}");
            FailAttempt(work, $"{step.Runbook}: no result before {expires:O}", facts);
            return;
        }

        Advance(work, facts);
    }

    /// <summary>Moves an idle incident on as far as policy allows right now.</summary>
    private void Advance(IncidentWork work, IncidentFacts? facts)
    {
        var incident = work.Incident;
        if (incident.State is not (IncidentState.Open or IncidentState.Suppressed or IncidentState.AwaitingApproval))
        {
            return;
        }

        if (incident.CurrentStep >= incident.Plan.Count)
        {
            Wait(work, "no runnable step in the plan");
            return;
        }

        if (facts is null)
        {
            work.NeedsFacts = true;
            return;
        }

        if (facts.SuppressedBy is { } why)
        {
            if (incident.State != IncidentState.Suppressed)
            {
                work.SetState(IncidentState.Suppressed, why);
                work.Log(System, "suppressed", why);
            }

            return;
        }

        if (incident.State == IncidentState.Suppressed)
        {
            work.Log(System, "suppression ended");
            work.SetState(IncidentState.Open, null);
        }

        var step = incident.Plan[incident.CurrentStep];
        var needsApproval = policy.NeedsApproval(step.Runbook);
        if (needsApproval && incident.ApprovedBy is null)
        {
            if (incident.State != IncidentState.AwaitingApproval)
            {
                work.SetState(IncidentState.AwaitingApproval, $"{step.Runbook} needs approval");
                work.Log(System, "approval requested", step.Runbook);
                work.Notify(NotificationKind.ApprovalRequested, $"{step.Runbook} on {incident.Server}");
            }

            return;
        }

        if (facts.ServerBusyWith is { } other)
        {
            Wait(work, $"server busy with {other}");
            return;
        }

        if (!needsApproval && IsChange(step.Runbook) && facts.Breaker.IsOpen)
        {
            var reason = $"fleet circuit breaker: {facts.Breaker.Servers} servers needed {incident.Kind} changes within {policy.FleetWindow}";
            work.SetState(IncidentState.Escalated, reason);
            work.Log(System, "escalated", reason);
            // The incident that tripped the breaker is announced by the fleet card (the engine adds it). Every other
            // one held by it gets its own card, exactly once: the notice commits with this state change, and an
            // escalated incident never comes back here, so a redelivered detection or a tick adds nothing.
            if (facts.Breaker.TrippedBy != incident.Server)
            {
                var fleetCard = facts.Breaker.TrippedBy is { } tripper ? IncidentIds.For(tripper, incident.Kind) : null;
                var where = fleetCard is null ? "" : $"; the fleet escalation is on {fleetCard}";
                work.Notify(NotificationKind.FleetHeld, $"{reason}: this server was held and not changed{where}", fleetCard);
            }

            return;
        }

        if (facts.DagBusyWith is { } dagServer)
        {
            Wait(work, $"DAG {policy.DagOf(incident.Server)} busy with {dagServer}");
            return;
        }

        Start(work, step);
    }

    private void Start(IncidentWork work, PlanStep step)
    {
        var incident = work.Incident;
        var notBefore = work.Now;
        if (incident.CurrentStep == 0)
        {
            if (incident.LastAttemptAt is { } last && last + policy.Cooldown > notBefore)
            {
                notBefore = last + policy.Cooldown;
            }

            incident.LastAttemptAt = notBefore;
        }

        var definition = RunbookCatalog.Definitions[step.Runbook];
        var parameters = new Dictionary<string, System.Text.Json.JsonElement>(ParameterValidator.Defaults(definition), StringComparer.Ordinal);
        foreach (var (name, value) in step.Parameters ?? [])
        {
            parameters[name] = value;
        }

        var request = signer.Sign(new RunbookRequest
        {
            SchemaVersion = RunbookRequest.CurrentSchemaVersion,
            RequestId = RunbookRequestIds.For(incident.Id, incident.Episode, incident.CurrentStep, incident.Attempt),
            IncidentId = incident.Id,
            Runbook = step.Runbook,
            TargetServer = incident.Server,
            Parameters = parameters,
            NotBefore = notBefore,
            ExpiresAt = notBefore + policy.RequestLifetime,
            RequestedBy = step.RequestedBy ?? System,
            ApprovedBy = incident.ApprovedBy,
            WhatIf = step.WhatIf,
        });
        step.State = StepState.Queued;
        step.Attempt = incident.Attempt;
        step.RequestId = request.RequestId;
        step.QueuedAt = work.Now;
        step.ExpiresAt = request.ExpiresAt;
        step.CompletedAt = null;
        step.Outcome = null;
        step.Changes = null;
        step.ChangesOmitted = 0;
        var verifying = step.Runbook == RunbookNames.TestImapTls && incident.CurrentStep == incident.Plan.Count - 1;
        work.SetState(verifying ? IncidentState.Verifying : IncidentState.Remediating, null);
        work.Requests.Add(request);
        work.Log(System, "queued", string.Create(CultureInfo.InvariantCulture,
            $"{step.Runbook} attempt {incident.Attempt} request {request.RequestId} not before {notBefore:O}"));
        if (incident.CurrentStep == 0)
        {
            work.Notify(NotificationKind.RemediationQueued, $"{step.Runbook} on {incident.Server} (attempt {incident.Attempt})");
        }
    }

    private void FailAttempt(IncidentWork work, string reason, IncidentFacts facts)
    {
        var incident = work.Incident;
        if (incident.Kind == IncidentKind.OperatorRequest)
        {
            // A person asked for one run: tell them it failed rather than retrying on their behalf.
            work.SetState(IncidentState.Failed, reason);
            work.Log(System, "failed", reason);
            work.Notify(NotificationKind.Failed, reason);
            return;
        }

        if (incident.Attempt >= policy.MaxAttempts)
        {
            var why = $"failed after {incident.Attempt} attempts: {reason}";
            work.SetState(IncidentState.Escalated, why);
            work.Log(System, "escalated", why);
            work.Notify(NotificationKind.Escalated, why);
            return;
        }

        incident.Attempt++;
        incident.CurrentStep = 0;
        foreach (var step in incident.Plan)
        {
            step.State = StepState.Pending;
        }

        work.SetState(IncidentState.Open, null);
        work.Log(System, "retry", $"attempt {incident.Attempt} after the cooldown: {reason}");
        Advance(work, facts with { ServerBusyWith = null });
    }

    private void Reopen(IncidentWork work, DetectionRecord detection)
    {
        var incident = work.Incident;
        incident.Reopens.RemoveAll(at => at < work.Now - policy.FlapWindow);
        incident.Reopens.Add(work.Now);
        if (incident.Reopens.Count > policy.FlapMaxReopens)
        {
            var why = $"flapping: reopened {incident.Reopens.Count} times within {policy.FlapWindow}";
            work.SetState(IncidentState.Escalated, why);
            work.Log("detection", "escalated", why);
            work.Notify(NotificationKind.Escalated, why);
            return;
        }

        incident.Episode++;
        incident.Attempt = 1;
        incident.CurrentStep = 0;
        incident.ApprovedBy = null;
        incident.Plan = BuildPlan(work, detection.Plan);
        work.SetState(IncidentState.Open, null);
        work.Log("detection", "reopened", $"episode {incident.Episode}");
        work.Notify(NotificationKind.Reopened, $"{incident.Kind} on {incident.Server} is back (episode {incident.Episode})");
    }

    private static List<PlanStep> BuildPlan(IncidentWork work, IReadOnlyList<string> runbooks)
    {
        var plan = new List<PlanStep>();
        foreach (var runbook in runbooks)
        {
            if (RunbookCatalog.TryGet(runbook, out _))
            {
                plan.Add(new PlanStep { Runbook = runbook });
            }
            else
            {
                work.Log("detection", "plan step rejected", $"runbook {ParameterValidator.Show(runbook)} is not in the catalog");
            }
        }

        // A change is only done when a real handshake says so: end every plan that changes something with the probe.
        if (plan.Any(s => IsChange(s.Runbook)) && plan[^1].Runbook != RunbookNames.TestImapTls)
        {
            plan.Add(new PlanStep { Runbook = RunbookNames.TestImapTls });
        }

        return plan;
    }

    public static bool IsChange(string runbook) =>
        RunbookCatalog.TryGet(runbook, out var definition) && definition.Risk != RunbookRisk.ReadOnly;

    private static void Wait(IncidentWork work, string reason)
    {
        if (work.Incident.StateReason != reason || work.Incident.State != IncidentState.Open)
        {
            work.SetState(IncidentState.Open, reason);
            work.Log(System, "waiting", reason);
        }
    }

    private static string Summary(RunbookResult result) =>
        result.Error.Length == 0 ? result.Status.ToString() : $"{result.Status}: {FirstLine(result.Error)}";

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].TrimEnd('\r');
        return line.Length > 200 ? line[..200] : line;
    }
}
