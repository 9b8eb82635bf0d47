using System.Globalization;

namespace ImapAutomation.Core.Incidents;

/// <summary>What people do by hand: run a runbook, resolve an incident, rerun a failed plan, and alerts' resolutions.</summary>
internal sealed partial class IncidentStateMachine
{
    public const int MaxOperatorKeys = 32;

    /// <summary>
    /// Starts a new episode of a server's operator-run incident with a one-step plan, unless the same trigger was
    /// already accepted (<see cref="OperatorRunStatus.Duplicate"/>) or policy refuses it now. A refusal writes nothing.
    /// </summary>
    public void RequestRun(IncidentWork work, OperatorRun run, IncidentFacts? facts, Action<OperatorRunStatus, string?, int> decided)
    {
        var incident = work.Incident;
        var key = run.Key();
        if (!work.IsNew && FindKey(incident, key, work.Now) is { } episode)
        {
            work.Ignored = $"the same trigger was accepted before (episode {episode})";
            decided(OperatorRunStatus.Duplicate, work.Ignored, episode);
            return;
        }

        if (!work.IsNew && !incident.IsClosed)
        {
            work.Ignored = $"operator run {incident.Plan.ElementAtOrDefault(incident.CurrentStep)?.Runbook} on {incident.Server} is still {incident.State}";
            decided(OperatorRunStatus.Refused, work.Ignored, incident.Episode);
            return;
        }

        if (!work.IsNew)
        {
            incident.Episode++;
        }

        incident.Attempt = 1;
        incident.CurrentStep = 0;
        incident.LastAttemptAt = null;
        incident.ApprovedBy = run.CallerIsApprover && policy.NeedsApproval(run.Runbook) ? run.RequestedBy : null;
        incident.Plan =
        [
            new PlanStep
            {
                Runbook = run.Runbook,
                Parameters = run.Parameters.ToDictionary(StringComparer.Ordinal),
                WhatIf = run.WhatIf,
                RequestedBy = run.RequestedBy,
            },
        ];
        if (facts is null)
        {
            work.NeedsFacts = true;
            return;
        }

        // An operator is told "not now" at once instead of finding a run parked behind a lock or a window.
        var why = facts.SuppressedBy
            ?? (facts.ServerBusyWith is { } busy ? $"server busy with {busy}" : null)
            ?? (facts.DagBusyWith is { } dagServer ? $"DAG {policy.DagOf(incident.Server)} busy with {dagServer}" : null);
        if (why is not null)
        {
            work.Ignored = why;
            decided(OperatorRunStatus.Refused, why, incident.Episode);
            return;
        }

        if (work.IsNew)
        {
            incident.FirstSeen = work.Now;
        }

        incident.LastSeen = work.Now;
        incident.OperatorKeys.Add(string.Create(CultureInfo.InvariantCulture, $"{key}|{work.Now.ToUnixTimeSeconds()}|{incident.Episode}"));
        if (incident.OperatorKeys.Count > MaxOperatorKeys)
        {
            incident.OperatorKeys.RemoveRange(0, incident.OperatorKeys.Count - MaxOperatorKeys);
        }

        work.SetState(IncidentState.Open, null);
        work.Log(run.RequestedBy, "run requested", string.Create(CultureInfo.InvariantCulture,
            $"{run.Runbook}{(run.WhatIf ? " -WhatIf" : "")} on {incident.Server} with {run.Parameters.Count} parameter(s), episode {incident.Episode}"));
        if (incident.ApprovedBy is not null)
        {
            work.Log(incident.ApprovedBy, "approved", $"{run.Runbook} (requested by an approver)");
        }

        Advance(work, facts);
        decided(OperatorRunStatus.Accepted, null, incident.Episode);
    }

    /// <summary>Closes an incident by hand; not while a request is out, since its result would land on a closed incident.</summary>
    public static void Resolve(IncidentWork work, string approver, string reason)
    {
        var incident = work.Incident;
        if (incident.State == IncidentState.Resolved || work.WasInFlight)
        {
            work.Ignored = incident.State == IncidentState.Resolved
                ? "incident is already Resolved"
                : $"incident is {incident.State}: a runbook request is out, wait for its result";
            return;
        }

        work.Log(approver, "resolved by hand", reason);
        work.SetState(IncidentState.Resolved, $"resolved by {approver}: {reason}");
        work.Notify(NotificationKind.Resolved, $"{incident.Kind} on {incident.Server} resolved by {approver}: {reason}");
    }

    /// <summary>
    /// One fresh attempt of a Failed or Escalated incident's plan from its first step, approved by the approver who
    /// asked; the cooldown and the fleet breaker apply as to any attempt, and a failure escalates again.
    /// </summary>
    public void Rerun(IncidentWork work, string approver, string reason, IncidentFacts? facts)
    {
        var incident = work.Incident;
        if (incident.State is not (IncidentState.Failed or IncidentState.Escalated) || incident.Plan.Count == 0)
        {
            work.Ignored = incident.Plan.Count == 0
                ? "the incident has no plan to rerun"
                : $"incident is {incident.State}; only a Failed or Escalated incident can be rerun";
            return;
        }

        incident.Attempt++;
        incident.CurrentStep = 0;
        incident.ApprovedBy = approver;
        foreach (var step in incident.Plan)
        {
            step.State = StepState.Pending;
        }

        work.Log(approver, "rerun", string.Create(CultureInfo.InvariantCulture, $"attempt {incident.Attempt}: {reason}"));
        work.SetState(IncidentState.Open, null);
        Advance(work, facts);
    }

    /// <summary>Notes that Azure Monitor resolved an alert about this server; detection, not the alert, decides the state.</summary>
    public static void RecordAlertResolved(IncidentWork work, string fingerprint, string detail)
    {
        if (work.IsNew || work.Incident.RecentDetections.Contains(fingerprint))
        {
            work.Ignored = work.IsNew ? "no incident" : "alert resolution already recorded";
            return;
        }

        work.Incident.RecentDetections.Add(fingerprint);
        if (work.Incident.RecentDetections.Count > MaxRecentDetections)
        {
            work.Incident.RecentDetections.RemoveAt(0);
        }

        work.Log("azure-monitor", "alert resolved", detail);
    }

    private static void CompleteOperatorRun(IncidentWork work, PlanStep step)
    {
        work.Log(System, "completed", $"{step.Runbook} {step.Outcome}");
        work.SetState(IncidentState.Resolved, null);
        work.Notify(NotificationKind.Resolved, $"{step.Runbook} on {work.Incident.Server} completed ({step.Outcome})");
    }

    /// <summary>The episode a key was accepted in, if it still counts: client keys always, derived keys within their window.</summary>
    private static int? FindKey(Incident incident, string key, DateTimeOffset now)
    {
        foreach (var entry in incident.OperatorKeys)
        {
            var parts = entry.Split('|');
            if (parts.Length != 3 || parts[0] != key)
            {
                continue;
            }

            var at = DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts[1], CultureInfo.InvariantCulture));
            if (key.StartsWith("c:", StringComparison.Ordinal) || now - at < OperatorRun.DerivedKeyWindow)
            {
                return int.Parse(parts[2], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
