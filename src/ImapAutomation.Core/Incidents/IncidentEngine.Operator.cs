using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;

namespace ImapAutomation.Core.Incidents;

/// <summary>What operators do by hand, on the same rows, locks and result path as the engine's own decisions.</summary>
public sealed partial class IncidentEngine
{
    public const int MaxReasonLength = 500;

    /// <summary>
    /// Records an operator's run of one catalog runbook as a new episode of the server's <see cref="IncidentKind.OperatorRequest"/>
    /// incident and queues it, or awaits approval when the runbook needs one and the caller is not an approver.
    /// Invalid input and policy refusals write nothing; a trigger whose key was accepted before queues nothing new.
    /// </summary>
    public async Task<OperatorRunOutcome> RequestRunAsync(OperatorRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!RunbookCatalog.TryGet(run.Runbook, out _))
        {
            return new(OperatorRunStatus.UnknownRunbook, null, null,
                [$"runbook {ParameterValidator.Show(run.Runbook)} is not in the catalog; known: {string.Join(", ", RunbookNames.All)}"]);
        }

        var errors = ParameterValidator.Validate(run.Runbook, run.Server, run.Parameters).ToList();
        if (!ParameterValidator.IsPrincipal(run.RequestedBy) || run.RequestedBy == IncidentStateMachine.System)
        {
            errors.Add($"requestedBy {ParameterValidator.Show(run.RequestedBy)} is not a UPN");
        }

        if (run.IdempotencyKey is not null && !OperatorRun.IsWellFormedKey(run.IdempotencyKey))
        {
            errors.Add($"idempotency key {ParameterValidator.Show(run.IdempotencyKey)} must be 1 to {OperatorRun.MaxKeyLength} letters, digits or -_.:");
        }

        if (errors.Count > 0)
        {
            return new(OperatorRunStatus.Invalid, null, null, errors);
        }

        var server = run.Server.ToLowerInvariant();
        run = run with { Server = server };
        var (status, reason, episode) = (OperatorRunStatus.Refused, (string?)null, 0);
        var change = await MutateAsync(server, IncidentKind.OperatorRequest, create: true,
            (work, facts) => _machine.RequestRun(work, run, facts, (s, r, e) => (status, reason, episode) = (s, r, e)),
            cancellationToken).ConfigureAwait(false);
        var incident = change.Incident;
        var requestId = status switch
        {
            OperatorRunStatus.Accepted => change.QueuedRequestIds.Count > 0 ? change.QueuedRequestIds[0] : null,
            OperatorRunStatus.Duplicate when incident is not null => episode == incident.Episode
                ? incident.Plan[0].RequestId
                : RunbookRequestIds.For(incident.Id, episode, 0, 1),
            _ => null,
        };
        return new(status, incident, requestId, reason is null ? [] : [reason]);
    }

    /// <summary>Closes an incident by hand with a reason (not while a runbook request is out).</summary>
    public Task<IncidentChange> ResolveAsync(string incidentId, string approverUpn, string reason, CancellationToken cancellationToken) =>
        CheckOperatorAction(approverUpn, reason) is { } problem
            ? Task.FromResult(problem)
            : WithIncident(incidentId, (server, kind) =>
                MutateAsync(server, kind, create: false, (work, _) => IncidentStateMachine.Resolve(work, approverUpn, reason.Trim()), cancellationToken));

    /// <summary>Starts one fresh attempt of a Failed or Escalated incident's plan; cooldown and the fleet breaker apply.</summary>
    public Task<IncidentChange> RerunAsync(string incidentId, string approverUpn, string reason, CancellationToken cancellationToken) =>
        CheckOperatorAction(approverUpn, reason) is { } problem
            ? Task.FromResult(problem)
            : WithIncident(incidentId, (server, kind) =>
                MutateAsync(server, kind, create: false, (work, facts) => _machine.Rerun(work, approverUpn, reason.Trim(), facts), cancellationToken));

    /// <summary>
    /// Puts an Azure Monitor resolution (alert id, rule, time) on the timeline of every detected incident of the
    /// server, once per alert and time. It changes no state: the probe, not the alert, says a fix worked.
    /// </summary>
    public async Task<IReadOnlyList<string>> RecordAlertResolvedAsync(string server, string alertId, string rule, string resolvedAt, CancellationToken cancellationToken)
    {
        if (!ParameterValidator.IsHostName(server))
        {
            return [];
        }

        var fingerprint = "alert:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{alertId}|{resolvedAt}")).AsSpan(0, 6));
        var detail = $"alert rule {ParameterValidator.Show(rule)} resolved at {ParameterValidator.Show(resolvedAt)} ({ParameterValidator.Show(alertId[(alertId.LastIndexOf('/') + 1)..])})";
        var recorded = new List<string>();
        foreach (var kind in Enum.GetValues<IncidentKind>().Where(k => k != IncidentKind.OperatorRequest))
        {
            var change = await MutateAsync(server.ToLowerInvariant(), kind, create: false,
                (work, _) => IncidentStateMachine.RecordAlertResolved(work, fingerprint, detail), cancellationToken).ConfigureAwait(false);
            if (change.Writes > 0)
            {
                recorded.Add(change.Incident!.Id);
            }
        }

        return recorded;
    }

    private static IncidentChange? CheckOperatorAction(string approverUpn, string reason)
    {
        if (!ParameterValidator.IsPrincipal(approverUpn) || approverUpn == IncidentStateMachine.System)
        {
            return new(null, [], [], 0, 0, $"approver {ParameterValidator.Show(approverUpn)} is not a UPN");
        }

        return string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength || reason.Any(char.IsControl)
            ? new(null, [], [], 0, 0, $"a reason of 1 to {MaxReasonLength} printable characters is required")
            : null;
    }

    private async Task<int> TickIncidentAsync(TableEntity entry, string server, IncidentKind kind, CancellationToken cancellationToken)
    {
        var snapshot = await _store.ReadAsync(server, kind, cancellationToken).ConfigureAwait(false);
        var state = snapshot.Row is null ? IncidentState.Resolved : Enum.Parse<IncidentState>(snapshot.Row.GetString("State"));
        if (!IncidentIndex.IsActive(state))
        {
            await _index.ForgetAsync(entry, cancellationToken).ConfigureAwait(false);
            return 0;
        }

        // Awaiting approval waits for a person, not for the clock.
        if (state == IncidentState.AwaitingApproval)
        {
            return 0;
        }

        var change = await MutateAsync(server, kind, create: false, _machine.Tick, cancellationToken).ConfigureAwait(false);
        return change.Writes > 0 ? 1 : 0;
    }

    private async Task<int> RedeliverAsync(TableEntity entry, string server, string requestId, CancellationToken cancellationToken)
    {
        var row = await _store.ReadRowAsync(server, IncidentStore.OutboxRow(requestId), cancellationToken).ConfigureAwait(false);
        if (row is null || row.GetBoolean("Dispatched") == true)
        {
            await _index.ForgetAsync(entry, cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var request = RunbookContract.ParseRequest(row.GetString("Request")).Value!;
        await DispatchAsync(server, row.GetString("IncidentRow"), request, cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
