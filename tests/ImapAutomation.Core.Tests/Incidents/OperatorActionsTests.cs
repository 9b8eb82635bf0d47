using System.Text.Json;
using Azure.Data.Tables;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Outbox;
using ImapAutomation.Core.Policy;
using ImapAutomation.Testing;
using static ImapAutomation.Core.Tests.Incidents.EngineHarness;

namespace ImapAutomation.Core.Tests.Incidents;

[Collection(AzuriteGroup.Name)]
public sealed class OperatorActionsTests(AzuriteFixture azurite)
{
    private const string Ex01 = "ex01.contoso.com";
    private const string Approver = "lead@contoso.com";
    private const string Operator = "dana@contoso.com";
    private static readonly string RunId = IncidentIds.For(Ex01, IncidentKind.OperatorRequest);
    private static readonly CancellationToken None = CancellationToken.None;

    private static OperatorRun Run(string runbook, string by = Operator, bool approver = false, string? key = null, string server = Ex01, string parameters = "{}", bool whatIf = false) =>
        new(runbook, server, JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(parameters)!, whatIf, by, approver, key);

    [Fact]
    public async Task RequestRunAsync_ApproverRunsRiskyRunbook_QueuedAtOnceWithCallerAsRequesterAndApprover()
    {
        var h = await CreateAsync(azurite);

        var outcome = await h.Engine.RequestRunAsync(
            Run(RunbookNames.SetStoreSessionLimits, by: Approver, approver: true, parameters: """{"MaximumAllowedSessionsPerUser":64}""", whatIf: true), None);

        Assert.Equal(OperatorRunStatus.Accepted, outcome.Status);
        var request = Assert.Single(await h.DrainQueueAsync());
        Assert.Equal(outcome.RequestId, request.RequestId);
        Assert.Equal(RunbookRequestIds.For(RunId, 1, 0, 1), request.RequestId);
        Assert.Equal((Approver, Approver), (request.RequestedBy, request.ApprovedBy));
        Assert.Equal(64, request.Parameters["MaximumAllowedSessionsPerUser"].GetInt64());
        Assert.Equal(8264, request.Parameters["MaximumAllowedServiceSessionsPerUser"].GetInt64());
        Assert.True(request.WhatIf);
        Assert.True(h.Verifier.Verify(request).IsValid);
        var incident = await h.IncidentAsync(RunId);
        Assert.Equal(IncidentState.Remediating, incident.State);
        Assert.Equal(["run requested", "approved", "queued"], (await h.TimelineAsync(RunId)).Select(e => e.What));
        Assert.Equal(LedgerStatus.Sent, await h.Ledger.GetStatusAsync(request.RequestId, None));
    }

    [Fact]
    public async Task RequestRunAsync_NonApproverRunsRiskyRunbook_AwaitsApprovalAndQueuesNothingUntilApproved()
    {
        var h = await CreateAsync(azurite);

        var outcome = await h.Engine.RequestRunAsync(Run(RunbookNames.DisableImapNtlm), None);

        Assert.Equal(OperatorRunStatus.Accepted, outcome.Status);
        Assert.Null(outcome.RequestId);
        Assert.Equal(IncidentState.AwaitingApproval, outcome.Incident!.State);
        Assert.Empty(await h.DrainQueueAsync());

        await h.Engine.ApproveAsync(RunId, Approver, None);

        var request = Assert.Single(await h.DrainQueueAsync());
        Assert.Equal((Operator, Approver), (request.RequestedBy, request.ApprovedBy));
    }

    [Fact]
    public async Task RequestRunAsync_LowRiskRunbookByNonApprover_QueuedWithoutApprover()
    {
        var h = await CreateAsync(azurite);

        var outcome = await h.Engine.RequestRunAsync(Run(RunbookNames.GetImapDiagnostics), None);

        var request = Assert.Single(await h.DrainQueueAsync());
        Assert.Equal(outcome.RequestId, request.RequestId);
        Assert.Null(request.ApprovedBy);
        Assert.Equal(Operator, request.RequestedBy);
    }

    [Fact]
    public async Task RequestRunAsync_SameKeyRetried_OneRequestAndTheSameAnswer()
    {
        var h = await CreateAsync(azurite);
        var run = Run(RunbookNames.GetImapDiagnostics, key: "7c0e1f9a-retry");

        var first = await h.Engine.RequestRunAsync(run, None);
        var retry = await h.NewEngine().RequestRunAsync(run, None);

        Assert.Equal(OperatorRunStatus.Duplicate, retry.Status);
        Assert.Equal(first.RequestId, retry.RequestId);
        Assert.Single(await h.DrainQueueAsync());

        // Even after that run completed, the key still names it: a late retry does not start a second run.
        await h.Engine.ApplyResultAsync(Result(first.RequestId!), None);
        var late = await h.Engine.RequestRunAsync(run, None);
        Assert.Equal(OperatorRunStatus.Duplicate, late.Status);
        Assert.Empty(await h.DrainQueueAsync());
    }

    [Fact]
    public async Task RequestRunAsync_NoKeyRetriedWithinTheWindow_DeduplicatedLaterRunsAgain()
    {
        var h = await CreateAsync(azurite);
        var first = await h.Engine.RequestRunAsync(Run(RunbookNames.GetImapDiagnostics), None);
        await h.Engine.ApplyResultAsync(Result(first.RequestId!), None);

        var retry = await h.Engine.RequestRunAsync(Run(RunbookNames.GetImapDiagnostics), None);
        h.Time.Advance(OperatorRun.DerivedKeyWindow + TimeSpan.FromMinutes(1));
        var later = await h.Engine.RequestRunAsync(Run(RunbookNames.GetImapDiagnostics), None);

        Assert.Equal(OperatorRunStatus.Duplicate, retry.Status);
        Assert.Equal(OperatorRunStatus.Accepted, later.Status);
        Assert.Equal(RunbookRequestIds.For(RunId, 2, 0, 1), later.RequestId);
        Assert.Equal(2, (await h.DrainQueueAsync()).Count);
    }

    [Theory]
    [InlineData("Invoke-Anything", Ex01, "{}", OperatorRunStatus.UnknownRunbook, "not in the catalog")]
    [InlineData(RunbookNames.GetImapDiagnostics, "ex01; Remove-Item C:\\ -Recurse", "{}", OperatorRunStatus.Invalid, "not a DNS host name")]
    [InlineData(RunbookNames.TestImapTls, Ex01, """{"ExpectedHostName":"ex01; Remove-Item C:\\ -Recurse"}""", OperatorRunStatus.Invalid, "must be a DNS host name")]
    [InlineData(RunbookNames.SetImapConnectionLimits, Ex01, """{"MaxConnectionsPerUser":"many"}""", OperatorRunStatus.Invalid, "must be an integer")]
    [InlineData(RunbookNames.GetImapDiagnostics, Ex01, """{"NoSuchParameter":1}""", OperatorRunStatus.Invalid, "is not a parameter")]
    public async Task RequestRunAsync_BadInput_RefusedWithReasonAndNothingWritten(string runbook, string server, string parameters, OperatorRunStatus expected, string reason)
    {
        var h = await CreateAsync(azurite);

        var outcome = await h.Engine.RequestRunAsync(Run(runbook, server: server, parameters: parameters), None);

        Assert.Equal(expected, outcome.Status);
        Assert.Contains(outcome.Reasons, r => r.Contains(reason, StringComparison.Ordinal));
        Assert.Empty(await h.DrainQueueAsync());
        Assert.Empty(h.Incidents.Query<TableEntity>(e => e.PartitionKey != IncidentIndex.Partition));
    }

    [Theory]
    [InlineData("system")]
    [InlineData("dana; drop")]
    public async Task RequestRunAsync_CallerNotAUpn_Invalid(string caller)
    {
        var h = await CreateAsync(azurite);

        var outcome = await h.Engine.RequestRunAsync(Run(RunbookNames.GetImapDiagnostics, by: caller), None);

        Assert.Equal(OperatorRunStatus.Invalid, outcome.Status);
        Assert.Contains(outcome.Reasons, r => r.Contains("requestedBy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequestRunAsync_BadIdempotencyKey_Invalid()
    {
        var h = await CreateAsync(azurite);

        var outcome = await h.Engine.RequestRunAsync(Run(RunbookNames.GetImapDiagnostics, key: "a|b\n"), None);

        Assert.Equal(OperatorRunStatus.Invalid, outcome.Status);
        Assert.Empty(await h.DrainQueueAsync());
    }

    [Fact]
    public async Task RequestRunAsync_ServerBusyWithAnIncident_RefusedAndNothingWritten()
    {
        var h = await CreateAsync(azurite);
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.TlsHandshakeFailure), None);
        Assert.Single(await h.DrainQueueAsync());

        var outcome = await h.Engine.RequestRunAsync(Run(RunbookNames.RestartImapServices, by: Approver, approver: true), None);

        Assert.Equal(OperatorRunStatus.Refused, outcome.Status);
        Assert.Contains("server busy with ex01.contoso.com/TlsHandshakeFailure", outcome.Reasons[0], StringComparison.Ordinal);
        Assert.Null(await h.Engine.GetAsync(RunId, None));
        Assert.Empty(await h.DrainQueueAsync());
    }

    [Fact]
    public async Task RequestRunAsync_RunStillInFlight_SecondRunRefused()
    {
        var h = await CreateAsync(azurite);
        await h.Engine.RequestRunAsync(Run(RunbookNames.GetImapDiagnostics), None);

        var second = await h.Engine.RequestRunAsync(Run(RunbookNames.TestImapTls), None);

        Assert.Equal(OperatorRunStatus.Refused, second.Status);
        Assert.Contains("still Remediating", second.Reasons[0], StringComparison.Ordinal);
        Assert.Single(await h.DrainQueueAsync());
    }

    [Fact]
    public async Task RequestRunAsync_MaintenanceWindow_Refused()
    {
        var h = await CreateAsync(azurite, p => p.MaintenanceWindows.Add(new MaintenanceWindow
        {
            Name = "patching", Servers = [Ex01], Start = Start.AddMinutes(-5), End = Start.AddHours(1),
        }));

        var outcome = await h.Engine.RequestRunAsync(Run(RunbookNames.RestartImapServices), None);

        Assert.Equal(OperatorRunStatus.Refused, outcome.Status);
        Assert.StartsWith("maintenance window 'patching'", outcome.Reasons[0], StringComparison.Ordinal);
        Assert.Empty(await h.DrainQueueAsync());
    }

    [Fact]
    public async Task RequestRunAsync_AnotherServerOfTheDagBeingChanged_Refused()
    {
        var h = await CreateAsync(azurite, p =>
        {
            p.DatabaseAvailabilityGroups["ex01"] = "dag1";
            p.DatabaseAvailabilityGroups["ex02"] = "dag1";
        });
        await h.Engine.IngestAsync(Storm("ex02.contoso.com", IncidentKind.TlsHandshakeFailure), None);

        var outcome = await h.Engine.RequestRunAsync(Run(RunbookNames.RestartImapServices), None);

        Assert.Equal(OperatorRunStatus.Refused, outcome.Status);
        Assert.Equal("DAG dag1 busy with ex02.contoso.com", outcome.Reasons[0]);
    }

    [Fact]
    public async Task ApplyResultAsync_OperatorRun_ResolvesOnceAndTheServerIsFreeAgain()
    {
        var h = await CreateAsync(azurite);
        var run = await h.Engine.RequestRunAsync(Run(RunbookNames.RestartImapServices), None);

        var applied = await h.Engine.ApplyResultAsync(Result(run.RequestId!), None);
        var again = await h.Engine.ApplyResultAsync(Result(run.RequestId!), None);
        var incident = await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.TlsHandshakeFailure), None);

        Assert.Equal(IncidentState.Resolved, applied.Incident!.State);
        Assert.Contains(applied.Notifications, n => n.Kind == NotificationKind.Resolved);
        Assert.Contains("already completed", again.Ignored, StringComparison.Ordinal);
        Assert.Single(incident.QueuedRequestIds);
    }

    [Fact]
    public async Task ApplyResultAsync_OperatorRunFailed_FailsWithoutRetrying()
    {
        var h = await CreateAsync(azurite, p => p.MaxAttempts = 3);
        var run = await h.Engine.RequestRunAsync(Run(RunbookNames.RestartImapServices), None);
        Assert.Single(await h.DrainQueueAsync());

        var failed = await h.Engine.ApplyResultAsync(Result(run.RequestId!, RunbookStatus.Failed, error: "service did not start"), None);

        Assert.Equal(IncidentState.Failed, failed.Incident!.State);
        Assert.Contains("service did not start", failed.Incident.StateReason, StringComparison.Ordinal);
        Assert.Empty(await h.DrainQueueAsync());
    }

    [Fact]
    public async Task IngestAsync_DetectionOfKindOperatorRequest_Rejected()
    {
        var h = await CreateAsync(azurite);

        var change = await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.OperatorRequest), None);

        Assert.Contains("not a detected incident kind", change.Ignored, StringComparison.Ordinal);
        Assert.Null(await h.Engine.GetAsync(RunId, None));
    }

    [Fact]
    public async Task ResolveAsync_EscalatedIncident_ResolvedWithWhoAndWhyOnTheTimeline()
    {
        var h = await CreateAsync(azurite);
        var id = IncidentIds.For(Ex01, IncidentKind.ImapProxyAuthFailure);
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapProxyAuthFailure), None);
        await h.Engine.ApplyResultAsync(Result(Assert.Single(await h.DrainQueueAsync()).RequestId), None);

        var resolved = await h.Engine.ResolveAsync(id, Approver, "fixed by hand: proxy certificate re-bound", None);

        Assert.Equal(IncidentState.Resolved, resolved.Incident!.State);
        Assert.Equal("resolved by lead@contoso.com: fixed by hand: proxy certificate re-bound", resolved.Incident.StateReason);
        var entry = (await h.TimelineAsync(id))[^1];
        Assert.Equal((Approver, "resolved by hand", "fixed by hand: proxy certificate re-bound"), (entry.Actor, entry.What, entry.Detail));
    }

    [Fact]
    public async Task ResolveAsync_RequestInFlightOrNoReasonOrBadApprover_Refused()
    {
        var h = await CreateAsync(azurite);
        var id = IncidentIds.For(Ex01, IncidentKind.TlsHandshakeFailure);
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.TlsHandshakeFailure), None);

        var inFlight = await h.Engine.ResolveAsync(id, Approver, "done", None);
        var noReason = await h.Engine.ResolveAsync(id, Approver, "  ", None);
        var badApprover = await h.Engine.ResolveAsync(id, "lead; rm", "done", None);

        Assert.Contains("request is out", inFlight.Ignored, StringComparison.Ordinal);
        Assert.Contains("reason", noReason.Ignored, StringComparison.Ordinal);
        Assert.Contains("not a UPN", badApprover.Ignored, StringComparison.Ordinal);
        Assert.Equal(IncidentState.Remediating, (await h.IncidentAsync(id)).State);
    }

    [Fact]
    public async Task RerunAsync_FailedIncident_OneFreshAttemptAfterTheCooldownApprovedByTheCaller()
    {
        var h = await CreateAsync(azurite);
        var id = IncidentIds.For(Ex01, IncidentKind.ImapConnectionLimit);
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapConnectionLimit), None);
        await h.Engine.ApproveAsync(id, Approver, None);
        var first = Assert.Single(await h.DrainQueueAsync());
        await h.Engine.ApplyResultAsync(Result(first.RequestId, RunbookStatus.Rejected, error: "expired"), None);
        Assert.Equal(IncidentState.Failed, (await h.IncidentAsync(id)).State);

        var rerun = await h.Engine.RerunAsync(id, Approver, "worker clock fixed", None);

        // Queued now but invisible on the queue until the cooldown ends: read what was sent from the outbox.
        var outbox = (await h.Incidents.GetEntityAsync<TableEntity>(Ex01, "outbox~" + Assert.Single(rerun.QueuedRequestIds))).Value;
        var request = RunbookContract.ParseRequest(outbox.GetString("Request")).Value!;
        Assert.Equal(RunbookRequestIds.For(id, 1, 0, 2), request.RequestId);
        Assert.Equal(Approver, request.ApprovedBy);
        Assert.Equal(Start + h.Policy.Cooldown, request.NotBefore);
        Assert.Equal(IncidentState.Remediating, rerun.Incident!.State);
        Assert.Contains(await h.TimelineAsync(id), e => e.Actor == Approver && e.What == "rerun" && e.Detail == "attempt 2: worker clock fixed");
    }

    [Fact]
    public async Task RerunAsync_IncidentNotFailedOrEscalated_Ignored()
    {
        var h = await CreateAsync(azurite);
        var id = IncidentIds.For(Ex01, IncidentKind.TlsHandshakeFailure);
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.TlsHandshakeFailure), None);
        Assert.Single(await h.DrainQueueAsync());

        var rerun = await h.Engine.RerunAsync(id, Approver, "again", None);

        Assert.Contains("only a Failed or Escalated incident", rerun.Ignored, StringComparison.Ordinal);
        Assert.Empty(await h.DrainQueueAsync());
    }

    [Fact]
    public async Task RerunAsync_FleetBreakerOpen_EscalatesInsteadOfChanging()
    {
        var h = await CreateAsync(azurite);
        foreach (var server in new[] { "ex02", "ex03", "ex04" })
        {
            await h.Engine.IngestAsync(Storm(server, IncidentKind.TlsHandshakeFailure), None);
        }

        var id = IncidentIds.For("ex04", IncidentKind.TlsHandshakeFailure);
        Assert.Equal(IncidentState.Escalated, (await h.IncidentAsync(id)).State);

        var rerun = await h.Engine.RerunAsync(id, Approver, "try again", None);

        Assert.Equal(IncidentState.Escalated, rerun.Incident!.State);
        Assert.StartsWith("fleet circuit breaker", rerun.Incident.StateReason, StringComparison.Ordinal);
        Assert.DoesNotContain(await h.DrainQueueAsync(), r => r.IncidentId == id);
    }

    [Fact]
    public async Task RecordAlertResolvedAsync_SameResolutionTwice_OneTimelineEntryAndNoStateChange()
    {
        var h = await CreateAsync(azurite);
        var id = IncidentIds.For(Ex01, IncidentKind.TlsHandshakeFailure);
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.TlsHandshakeFailure), None);

        var first = await h.Engine.RecordAlertResolvedAsync("EX01.contoso.com", "/subscriptions/x/alerts/abc", "imap-schannel-36888", "2026-10-14T18:05:12Z", None);
        var again = await h.Engine.RecordAlertResolvedAsync(Ex01, "/subscriptions/x/alerts/abc", "imap-schannel-36888", "2026-10-14T18:05:12Z", None);

        Assert.Equal([id], first);
        Assert.Empty(again);
        var entry = Assert.Single(await h.TimelineAsync(id), e => e.What == "alert resolved");
        Assert.Equal("azure-monitor", entry.Actor);
        Assert.Contains("imap-schannel-36888", entry.Detail, StringComparison.Ordinal);
        Assert.Equal(IncidentState.Remediating, (await h.IncidentAsync(id)).State);
    }
}
