using Azure.Data.Tables;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Outbox;
using ImapAutomation.Core.Policy;
using ImapAutomation.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using DetectionRecord = ImapAutomation.Core.Detection.Detection;

namespace ImapAutomation.Core.Incidents;

/// <summary>
/// Turns detections, approvals and runbook results into durable incidents and signed runbook requests.
/// Every call reads the incident row, decides on a copy, and commits row, timeline, outbox and server lock in one
/// transaction conditioned on the row's ETag; a conflict re-reads and decides again. Only the writer whose
/// transaction committed sends requests and gets notifications, so a storm from many instances yields one of each.
/// </summary>
public sealed partial class IncidentEngine
{
    private const int MaxConflicts = 200;

    private readonly IncidentStore _store;
    private readonly IncidentIndex _index;
    private readonly IncidentStateMachine _machine;
    private readonly DagLocks _dags;
    private readonly FleetBreaker _breaker;
    private readonly RequestLedger _ledger;
    private readonly RunbookRequestDispatcher _dispatcher;
    private readonly RunbookResultSigner _results;
    private readonly PolicyOptions _policy;
    private readonly TimeProvider _time;
    private readonly ILogger<IncidentEngine> _logger;
    private readonly NotificationOutbox _notices;

    public IncidentEngine(
        TableClient incidents,
        RequestLedger ledger,
        RunbookRequestDispatcher dispatcher,
        RunbookRequestSigner signer,
        IOptions<PolicyOptions> policy,
        TimeProvider timeProvider,
        ILogger<IncidentEngine> logger,
        IIncidentAnnouncer? announcer = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _store = new IncidentStore(incidents);
        _index = new IncidentIndex(incidents, timeProvider);
        _policy = policy.Value;
        _machine = new IncidentStateMachine(_policy, signer);
        _dags = new DagLocks(incidents);
        _breaker = new FleetBreaker(incidents, _policy);
        _ledger = ledger;
        _dispatcher = dispatcher;
        _results = new RunbookResultSigner(signer.Keys);
        _time = timeProvider;
        _logger = logger;
        _notices = new NotificationOutbox(incidents, announcer, timeProvider, logger);
    }

    public Task<IncidentChange> IngestAsync(DetectionRecord detection, CancellationToken cancellationToken) =>
        IngestAsync([detection], cancellationToken);

    /// <summary>Folds detections of one server and kind into its incident in one write (the batcher's entry point).</summary>
    public async Task<IncidentChange> IngestAsync(IReadOnlyList<DetectionRecord> detections, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(detections);
        if (detections.Count == 0)
        {
            return new(null, [], [], 0, 0, "no detections");
        }

        foreach (var detection in detections)
        {
            if (IncidentStateMachine.CheckDetection(detection) is { } problem)
            {
                LogDetectionRejected(problem);
                return new(null, [], [], 0, 0, "detection rejected: " + problem);
            }
        }

        var server = detections[0].Server.ToLowerInvariant();
        var kind = detections[0].Kind;
        if (detections.Any(d => !string.Equals(d.Server, server, StringComparison.OrdinalIgnoreCase) || d.Kind != kind))
        {
            throw new ArgumentException("A batch holds detections of one server and kind.", nameof(detections));
        }

        return await MutateAsync(server, kind, create: true, (work, facts) => _machine.Ingest(work, detections, facts), cancellationToken).ConfigureAwait(false);
    }

    public Task<IncidentChange> ApproveAsync(string incidentId, string approverUpn, CancellationToken cancellationToken)
    {
        if (!ParameterValidator.IsPrincipal(approverUpn) || approverUpn == IncidentStateMachine.System)
        {
            return Task.FromResult(new IncidentChange(null, [], [], 0, 0, $"approver {ParameterValidator.Show(approverUpn)} is not a UPN"));
        }

        return WithIncident(incidentId, (server, kind) =>
            MutateAsync(server, kind, create: false, (work, facts) => _machine.Approve(work, approverUpn, facts), cancellationToken));
    }

    public Task<IncidentChange> RejectAsync(string incidentId, string approverUpn, string? reason, CancellationToken cancellationToken)
    {
        if (!ParameterValidator.IsPrincipal(approverUpn) || approverUpn == IncidentStateMachine.System)
        {
            return Task.FromResult(new IncidentChange(null, [], [], 0, 0, $"approver {ParameterValidator.Show(approverUpn)} is not a UPN"));
        }

        var bounded = reason is { Length: > 500 } ? reason[..500] : reason;
        return WithIncident(incidentId, (server, kind) =>
            MutateAsync(server, kind, create: false, (work, _) => IncidentStateMachine.Reject(work, approverUpn, bounded), cancellationToken));
    }

    /// <summary>Reads a <c>runbook-results</c> message and applies it at most once; anything else is recorded and ignored.</summary>
    public async Task<IncidentChange> ApplyResultAsync(string json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(json);
        var parsed = RunbookContract.ParseResult(json);
        if (parsed.Value is null)
        {
            await _ledger.RecordIgnoredResultAsync("malformed", parsed.Reason!, json, cancellationToken).ConfigureAwait(false);
            return new(null, [], [], 1, 0, parsed.Reason);
        }

        return await ApplyResultAsync(parsed.Value, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IncidentChange> ApplyResultAsync(RunbookResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var activity = Correlation.StartContinuing("ApplyRunbookResult", result.RequestId);
        // Checked before the ledger is read: a forged result learns nothing and changes nothing.
        var forged = _results.Verify(result);
        var row = forged is null ? await _ledger.ReadAsync(result.RequestId, cancellationToken).ConfigureAwait(false) : null;
        var status = RequestLedger.Status(row);
        if (forged is not null || status is LedgerStatus.Unknown or LedgerStatus.Completed)
        {
            var reason = forged is not null ? "result signature refused: " + forged
                : status == LedgerStatus.Unknown ? "result for an unknown request" : "result for an already completed request";
            await _ledger.RecordIgnoredResultAsync(result.RequestId, reason, RunbookContract.Serialize(result), cancellationToken).ConfigureAwait(false);
            LogResultIgnored(result.RequestId, reason);
            return new(null, [], [], 1, 0, reason);
        }

        var server = row!.GetString("IncidentPartition");
        var kind = Enum.Parse<IncidentKind>(row.GetString("IncidentRow")["incident~".Length..]);
        var change = await MutateAsync(server, kind, create: false, (work, facts) => _machine.ApplyResult(work, result, facts), cancellationToken).ConfigureAwait(false);
        await _ledger.MarkCompletedAsync(result.RequestId, result.Status.ToString(), cancellationToken).ConfigureAwait(false);
        return change;
    }

    /// <summary>The timer's pass: time out lost requests, move waiting incidents on, send undelivered outbox rows.</summary>
    public async Task<int> TickAsync(CancellationToken cancellationToken)
    {
        var touched = 0;
        foreach (var entry in await _index.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // active~server~Kind, outbox~server~requestId or notices~server~Kind (host names hold no '~').
            var parts = entry.RowKey.Split('~', 3);
            touched += parts[0] switch
            {
                "active" => await TickIncidentAsync(entry, parts[1], Enum.Parse<IncidentKind>(parts[2]), cancellationToken).ConfigureAwait(false),
                "notices" => await RedeliverNoticesAsync(entry, parts[1], Enum.Parse<IncidentKind>(parts[2]), cancellationToken).ConfigureAwait(false),
                _ => await RedeliverAsync(entry, parts[1], parts[2], cancellationToken).ConfigureAwait(false),
            };
        }

        return touched;
    }

    /// <summary>Mutes actions (not detection) for a server, one kind or all (<paramref name="kind"/> null), until a time.</summary>
    public async Task MuteAsync(string server, IncidentKind? kind, DateTimeOffset until, string byUpn, CancellationToken cancellationToken)
    {
        if (!ParameterValidator.IsHostName(server) || !ParameterValidator.IsPrincipal(byUpn))
        {
            throw new ArgumentException($"Mute needs a host name and a UPN, got {ParameterValidator.Show(server)} and {ParameterValidator.Show(byUpn)}.");
        }

        var row = new TableEntity(server.ToLowerInvariant(), IncidentStore.MuteRow(kind)) { ["Until"] = until, ["By"] = byUpn };
        await _store.Table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Incident?> GetAsync(string incidentId, CancellationToken cancellationToken)
    {
        if (!IncidentIds.TryParse(incidentId, out var server, out var kind))
        {
            return null;
        }

        var snapshot = await _store.ReadAsync(server, kind, cancellationToken).ConfigureAwait(false);
        return snapshot.Row is null ? null : IncidentStore.FromRow(snapshot.Row);
    }

    public async Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string incidentId, CancellationToken cancellationToken) =>
        IncidentIds.TryParse(incidentId, out var server, out var kind)
            ? await _store.ReadTimelineAsync(server, kind, cancellationToken).ConfigureAwait(false)
            : [];

    private static Task<IncidentChange> WithIncident(string incidentId, Func<string, IncidentKind, Task<IncidentChange>> action) =>
        IncidentIds.TryParse(incidentId, out var server, out var kind)
            ? action(server, kind)
            : Task.FromResult(new IncidentChange(null, [], [], 0, 0, $"incident id {ParameterValidator.Show(incidentId)} is not server/Kind"));

    private async Task<IncidentChange> MutateAsync(string server, IncidentKind kind, bool create, Action<IncidentWork, IncidentFacts?> decide, CancellationToken cancellationToken)
    {
        var extraNotifications = new List<IncidentNotification>();
        var trippedOnce = false;
        for (var conflicts = 0; conflicts < MaxConflicts; conflicts++)
        {
            var snapshot = await _store.ReadAsync(server, kind, cancellationToken).ConfigureAwait(false);
            if (snapshot.Row is null && !create)
            {
                return new(null, [], [], 0, conflicts, "no such incident");
            }

            var now = _time.GetUtcNow();
            IncidentWork Fresh() => snapshot.Row is null
                ? new(IncidentStateMachine.Create(server, kind), isNew: true, now)
                : new(IncidentStore.FromRow(snapshot.Row), isNew: false, now);

            var work = Fresh();
            decide(work, null);
            IncidentFacts? facts = null;
            if (work.NeedsFacts)
            {
                facts = await GatherFactsAsync(work, cancellationToken).ConfigureAwait(false);
                if (facts.Breaker.TrippedNow && !trippedOnce)
                {
                    trippedOnce = true;
                    extraNotifications.Add(new(NotificationKind.FleetEscalated, IncidentIds.For(server, kind),
                        $"{facts.Breaker.Servers} servers need {kind} changes within {_policy.FleetWindow}: automatic changes stopped"));
                }

                work = Fresh();
                decide(work, facts);
            }

            if (!work.Changed)
            {
                await NoticeUnchangedAsync(work.Incident, extraNotifications, cancellationToken).ConfigureAwait(false);
                return new(work.IsNew ? null : work.Incident, extraNotifications, [], 0, conflicts, work.Ignored);
            }

            work.Incident.UpdatedAt = now;
            List<IncidentNotification> notifications = [.. work.Notifications, .. extraNotifications];
            var notices = NotificationOutbox.Rows(work.Incident, notifications);
            await _index.BeforeCommitAsync(work, snapshot, cancellationToken).ConfigureAwait(false);
            if (notices.Count > 0)
            {
                await _index.NoticesAsync(server, kind, cancellationToken).ConfigureAwait(false);
            }

            var actions = Actions(work, snapshot, facts);
            actions.AddRange(notices.Select(row => new TableTransactionAction(TableTransactionActionType.Add, row)));
            if (!await _store.TrySubmitAsync(actions, cancellationToken).ConfigureAwait(false))
            {
                await TableRows.BackOffAsync(conflicts, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var sent = new List<string>();
            foreach (var request in work.Requests)
            {
                if (await DispatchAsync(server, IncidentStore.IncidentRow(kind), request, cancellationToken).ConfigureAwait(false))
                {
                    sent.Add(request.RequestId);
                }
            }

            if (work.WasInFlight && !work.IsInFlight && _policy.DagOf(server) is { } dag)
            {
                await _dags.ReleaseAsync(dag, server, cancellationToken).ConfigureAwait(false);
            }

            foreach (var entry in work.Timeline)
            {
                LogTimeline(work.Incident.Id, entry.Actor, entry.What, entry.Detail);
            }

            await _notices.DeliverAsync(server, kind, notices.Select(row => row.RowKey), cancellationToken).ConfigureAwait(false);
            return new(work.Incident, notifications, sent, 1, conflicts, work.Ignored);
        }

        throw new InvalidOperationException($"Incident {IncidentIds.For(server, kind)}: gave up after {MaxConflicts} conflicting writes.");
    }

    private static List<TableTransactionAction> Actions(IncidentWork work, IncidentSnapshot snapshot, IncidentFacts? facts)
    {
        var incident = work.Incident;
        var actions = new List<TableTransactionAction>
        {
            snapshot.Row is null
                ? new(TableTransactionActionType.Add, IncidentStore.ToRow(incident, default))
                : new(TableTransactionActionType.UpdateReplace, IncidentStore.ToRow(incident, snapshot.ETag), snapshot.ETag),
        };
        actions.AddRange(work.Timeline.Select(entry => new TableTransactionAction(TableTransactionActionType.Add, IncidentStore.ToRow(entry, incident.Server, incident.Kind))));
        foreach (var request in work.Requests)
        {
            actions.Add(new(TableTransactionActionType.Add, new TableEntity(incident.Server, IncidentStore.OutboxRow(request.RequestId))
            {
                ["Request"] = RunbookContract.Serialize(request),
                ["IncidentRow"] = IncidentStore.IncidentRow(incident.Kind),
                ["Dispatched"] = false,
            }));
        }

        // The server lock changes in the same transaction as the incident, under the ETag it was read with.
        var lockRow = facts?.ServerLock;
        if (work.IsInFlight && work.Requests.Count > 0)
        {
            var entity = new TableEntity(incident.Server, IncidentStore.LockRow)
            {
                ["Owner"] = incident.Kind.ToString(),
                ["RequestId"] = work.Requests[^1].RequestId,
                ["Until"] = work.Requests[^1].ExpiresAt + TimeSpan.FromMinutes(10),
            };
            actions.Add(lockRow is null
                ? new(TableTransactionActionType.Add, entity)
                : new(TableTransactionActionType.UpdateReplace, entity, lockRow.ETag));
        }
        else if (work.WasInFlight && !work.IsInFlight && lockRow is not null && lockRow.GetString("Owner") == incident.Kind.ToString())
        {
            actions.Add(new(TableTransactionActionType.UpdateReplace, new TableEntity(incident.Server, IncidentStore.LockRow) { ["Owner"] = "" }, lockRow.ETag));
        }

        return actions;
    }

    private async Task<IncidentFacts> GatherFactsAsync(IncidentWork work, CancellationToken cancellationToken)
    {
        var incident = work.Incident;
        var now = work.Now;
        var serverLock = await _store.ReadRowAsync(incident.Server, IncidentStore.LockRow, cancellationToken).ConfigureAwait(false);
        var owner = serverLock?.GetString("Owner");
        var busyWith = !string.IsNullOrEmpty(owner) && owner != incident.Kind.ToString() && serverLock!.GetDateTimeOffset("Until") > now
            ? IncidentIds.For(incident.Server, Enum.Parse<IncidentKind>(owner))
            : null;
        var suppressedBy = await SuppressionAsync(incident, now, cancellationToken).ConfigureAwait(false);
        var facts = new IncidentFacts(serverLock, busyWith, suppressedBy, default, null);

        // The step that would start next: after the one in flight (a result is being applied), else the current one.
        var next = work.WasInFlight ? incident.CurrentStep + 1 : incident.CurrentStep;
        if (suppressedBy is not null || busyWith is not null || next >= incident.Plan.Count)
        {
            return facts;
        }

        var step = incident.Plan[next];
        if (!IncidentStateMachine.IsChange(step.Runbook) || (_policy.NeedsApproval(step.Runbook) && incident.ApprovedBy is null))
        {
            return facts;
        }

        // The breaker stops automatic changes; an operator's own run is a person's decision and never counts towards it.
        var breaker = incident.Kind == IncidentKind.OperatorRequest
            ? default
            : await _breaker.RecordNeedAsync(incident.Kind, incident.Server, now, cancellationToken).ConfigureAwait(false);
        facts = facts with { Breaker = breaker };
        if ((breaker.IsOpen && !_policy.NeedsApproval(step.Runbook)) || _policy.DagOf(incident.Server) is not { } dag)
        {
            return facts;
        }

        var dagOwner = await _dags.TryAcquireAsync(dag, incident.Server, now + _policy.Cooldown + _policy.RequestLifetime, now, cancellationToken).ConfigureAwait(false);
        return facts with { DagBusyWith = dagOwner };
    }

    private async Task<string?> SuppressionAsync(Incident incident, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var window = _policy.MaintenanceWindows.FirstOrDefault(w => w.Covers(incident.Server, now));
        if (window is not null)
        {
            return $"maintenance window '{window.Name}' until {window.End:O}";
        }

        foreach (var rowKey in new[] { IncidentStore.MuteRow(incident.Kind), IncidentStore.MuteRow(null) })
        {
            var mute = await _store.ReadRowAsync(incident.Server, rowKey, cancellationToken).ConfigureAwait(false);
            if (mute?.GetDateTimeOffset("Until") is { } until && until > now)
            {
                return $"muted by {mute.GetString("By")} until {until:O}";
            }
        }

        return null;
    }

    /// <summary>
    /// A fleet escalation can come from a decision that changed nothing on the incident: its row is written on its
    /// own (its key carries the time, so it never collides with a change's rows) and delivered.
    /// </summary>
    private async Task NoticeUnchangedAsync(Incident incident, List<IncidentNotification> notifications, CancellationToken cancellationToken)
    {
        if (notifications.Count == 0)
        {
            return;
        }

        var suffix = _time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var rows = NotificationOutbox.Rows(incident, notifications, suffix);
        await _index.NoticesAsync(incident.Server, incident.Kind, cancellationToken).ConfigureAwait(false);
        await _store.Table.SubmitTransactionAsync(rows.Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)), cancellationToken)
            .ConfigureAwait(false);
        await _notices.DeliverAsync(incident.Server, incident.Kind, rows.Select(row => row.RowKey), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Posts an incident's cards that an outage left behind; forgets the index entry once none waits.</summary>
    private async Task<int> RedeliverNoticesAsync(TableEntity entry, string server, IncidentKind kind, CancellationToken cancellationToken)
    {
        if (!await _notices.RedeliverAsync(server, kind, cancellationToken).ConfigureAwait(false))
        {
            await _index.ForgetAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        // Posting cards moves no incident on (like redelivering a request).
        return 0;
    }

    private async Task<bool> DispatchAsync(string server, string incidentRow, RunbookRequest request, CancellationToken cancellationToken)
    {
        var sent = await _dispatcher.DispatchAsync(request, new IncidentKey(server, incidentRow), cancellationToken).ConfigureAwait(false);
        var done = new TableEntity(server, IncidentStore.OutboxRow(request.RequestId)) { ["Dispatched"] = true };
        await _store.Table.UpdateEntityAsync(done, Azure.ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        await _index.DispatchedAsync(server, request.RequestId, cancellationToken).ConfigureAwait(false);
        return sent;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Detection rejected: {Problem}")]
    private partial void LogDetectionRejected(string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runbook result {RequestId} ignored: {Reason}")]
    private partial void LogResultIgnored(string requestId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {IncidentId}: {Actor} {What} {Detail}")]
    private partial void LogTimeline(string incidentId, string actor, string what, string? detail);
}
