using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Outbox;
using ImapAutomation.Core.Tests.Contracts;
using ImapAutomation.Testing;
using static ImapAutomation.Core.Tests.Incidents.EngineHarness;

namespace ImapAutomation.Core.Tests.Incidents;

[Collection(AzuriteGroup.Name)]
public sealed class IncidentEngineTests(AzuriteFixture azurite)
{
    private const string Ex01 = "ex01.contoso.com";
    private static readonly string CertId = IncidentIds.For(Ex01, IncidentKind.ImapCertificateBinding);
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task IngestAsync_NewDetection_OpensIncidentAndQueuesOneSignedRequestForTheFirstStep()
    {
        var h = await CreateAsync(azurite);

        var change = await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapCertificateBinding, events: 500), None);

        var incident = await h.IncidentAsync(CertId);
        Assert.Equal(IncidentState.Remediating, incident.State);
        Assert.Equal(500, incident.EventCount);
        Assert.Equal(500, incident.Evidence["Schannel/36888"]);
        Assert.Equal([RunbookNames.GetImapDiagnostics, RunbookNames.SetImapCertificate, RunbookNames.RestartImapServices, RunbookNames.TestImapTls], incident.Plan.Select(s => s.Runbook));
        var request = Assert.Single(await h.DrainQueueAsync());
        Assert.Equal(RunbookNames.GetImapDiagnostics, request.Runbook);
        Assert.Equal(RunbookRequestIds.For(CertId, 1, 0, 1), request.RequestId);
        Assert.True(h.Verifier.Verify(request).IsValid);
        Assert.Equal([request.RequestId], change.QueuedRequestIds);
        Assert.Equal([NotificationKind.IncidentOpened, NotificationKind.RemediationQueued], change.Notifications.Select(n => n.Kind));
        Assert.Equal(["detected", "queued"], (await h.TimelineAsync(CertId)).Select(e => e.What));
        Assert.Equal(LedgerStatus.Sent, await h.Ledger.GetStatusAsync(request.RequestId, None));
    }

    [Fact]
    public async Task IngestAsync_RedeliveredDetection_CountedOnceAndNothingWritten()
    {
        var h = await CreateAsync(azurite);
        var detection = Storm(Ex01, IncidentKind.ImapCertificateBinding, events: 7);
        await h.Engine.IngestAsync(detection, None);

        var again = await h.Engine.IngestAsync(detection, None);
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapCertificateBinding, events: 3, minute: 1), None);

        Assert.Equal(0, again.Writes);
        Assert.Contains("already counted", again.Ignored, StringComparison.Ordinal);
        var incident = await h.IncidentAsync(CertId);
        Assert.Equal(10, incident.EventCount);
        Assert.Equal(2, incident.DetectionCount);
        Assert.Equal(Start.AddMinutes(1).AddSeconds(59), incident.LastSeen);
        Assert.Single(await h.DrainQueueAsync());
    }

    [Fact]
    public async Task ApplyResultAsync_EveryStepSucceedsAndProbePasses_ResolvesAndReleasesTheServer()
    {
        var h = await CreateAsync(azurite);
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapCertificateBinding), None);
        var runbooks = new List<string>();
        for (var step = 0; step < 4; step++)
        {
            var request = Assert.Single(await h.DrainQueueAsync());
            runbooks.Add(request.Runbook);
            Assert.Equal(step == 3 ? IncidentState.Verifying : IncidentState.Remediating, (await h.IncidentAsync(CertId)).State);
            await h.Engine.ApplyResultAsync(RunbookContract.Serialize(Result(request.RequestId, verification: step == 3 ? VerificationOutcome.Passed : VerificationOutcome.NotRun)), None);
        }

        var incident = await h.IncidentAsync(CertId);
        Assert.Equal(IncidentState.Resolved, incident.State);
        Assert.Equal([RunbookNames.GetImapDiagnostics, RunbookNames.SetImapCertificate, RunbookNames.RestartImapServices, RunbookNames.TestImapTls], runbooks);
        Assert.All(incident.Plan, s => Assert.Equal(StepState.Succeeded, s.State));
        Assert.Equal("resolved", (await h.TimelineAsync(CertId))[^1].What);
        Assert.Equal("verified", (await h.TimelineAsync(CertId))[^2].What);
        var locks = await h.Incidents.GetEntityAsync<Azure.Data.Tables.TableEntity>(Ex01, "lock");
        Assert.Equal("", locks.Value.GetString("Owner"));
        Assert.Empty(await h.DrainQueueAsync());
    }

    [Fact]
    public async Task ApplyResultAsync_SameResultTwiceOrUnknownRequest_RecordedAndIgnored()
    {
        var h = await CreateAsync(azurite);
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapCertificateBinding), None);
        var first = Assert.Single(await h.DrainQueueAsync());
        var json = RunbookContract.Serialize(Result(first.RequestId));

        var applied = await h.Engine.ApplyResultAsync(json, None);
        var replayed = await h.Engine.ApplyResultAsync(json, None);
        var unknown = await h.Engine.ApplyResultAsync(RunbookContract.Serialize(Result(RunbookRequestIds.For("nobody/Kind", 1, 0, 1))), None);
        var garbage = await h.Engine.ApplyResultAsync("""{"schemaVersion":9}""", None);

        Assert.Null(applied.Ignored);
        Assert.Equal("result for an already completed request", replayed.Ignored);
        Assert.Equal("result for an unknown request", unknown.Ignored);
        Assert.Contains("unsupported schemaVersion 9", garbage.Ignored, StringComparison.Ordinal);
        Assert.Single(await h.DrainQueueAsync());
        var incident = await h.IncidentAsync(CertId);
        Assert.Equal(1, incident.CurrentStep);
        Assert.Equal(StepState.Succeeded, incident.Plan[0].State);
        Assert.Equal(3, (await h.Ledger.GetIgnoredResultsAsync(None)).Count);
    }

    public static TheoryData<string> UntrustedResults() => ["unsigned", "forged", "tampered", "request signature", "retired key"];

    [Theory]
    [MemberData(nameof(UntrustedResults))]
    public async Task ApplyResultAsync_ResultNotSignedByTheWorker_RecordedWithTheReasonAndNeverApplied(string kind)
    {
        var h = await CreateAsync(azurite);
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapCertificateBinding), None);
        var first = Assert.Single(await h.DrainQueueAsync());
        var json = kind switch
        {
            "unsigned" => RunbookContract.Serialize(Unsigned(first.RequestId)),
            "forged" => RunbookContract.Serialize(new RunbookResultSigner(new RunbookKeyRing("k2", ContractSamples.Key(7))).Sign(Unsigned(first.RequestId))),
            // A genuine Failed result edited on the queue into a success.
            "tampered" => RunbookContract.Serialize(Result(first.RequestId, RunbookStatus.Failed, error: "no certificate"))
                .Replace("\"Failed\"", "\"Succeeded\"", StringComparison.Ordinal).Replace("no certificate", "", StringComparison.Ordinal),
            "request signature" => RunbookContract.Serialize(Unsigned(first.RequestId) with { KeyId = first.KeyId, Signature = first.Signature }),
            _ => RunbookContract.Serialize(new RunbookResultSigner(new RunbookKeyRing("k0", ContractSamples.Key(0))).Sign(Unsigned(first.RequestId))),
        };

        var change = await h.Engine.ApplyResultAsync(json, None);

        Assert.StartsWith("result signature refused: ", change.Ignored, StringComparison.Ordinal);
        Assert.Null(change.Incident);
        var ignored = Assert.Single(await h.Ledger.GetIgnoredResultsAsync(None));
        Assert.Equal((first.RequestId, change.Ignored), ignored);
        var incident = await h.IncidentAsync(CertId);
        Assert.Equal(0, incident.CurrentStep);
        Assert.Equal(StepState.Queued, incident.Plan[0].State);
        Assert.Empty(await h.DrainQueueAsync());

        // The worker's genuine result still applies afterwards.
        Assert.Null((await h.Engine.ApplyResultAsync(RunbookContract.Serialize(Result(first.RequestId)), None)).Ignored);
        Assert.Equal(1, (await h.IncidentAsync(CertId)).CurrentStep);
    }

    [Fact]
    public async Task ApplyResultAsync_ResultSignedWithThePreviousKey_Applied()
    {
        var h = await CreateAsync(azurite);
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapCertificateBinding), None);
        var first = Assert.Single(await h.DrainQueueAsync());
        // A worker not rotated yet signs with k1, the engine's previous key.
        var result = new RunbookResultSigner(new RunbookKeyRing("k1", ContractSamples.Key(1))).Sign(Unsigned(first.RequestId));

        var change = await h.Engine.ApplyResultAsync(RunbookContract.Serialize(result), None);

        Assert.Null(change.Ignored);
        Assert.Equal(1, (await h.IncidentAsync(CertId)).CurrentStep);
    }

    [Fact]
    public async Task ApplyResultAsync_ResultForSupersededStep_IgnoredOnTheTimeline()
    {
        var h = await CreateAsync(azurite);
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapCertificateBinding), None);
        var first = Assert.Single(await h.DrainQueueAsync());
        await h.Engine.ApplyResultAsync(Result(first.RequestId), None);
        var row = (await h.LedgerTable.GetEntityAsync<Azure.Data.Tables.TableEntity>("request", first.RequestId)).Value;
        row["Status"] = nameof(LedgerStatus.Sent);
        await h.LedgerTable.UpdateEntityAsync(row, Azure.ETag.All);

        var late = await h.Engine.ApplyResultAsync(Result(first.RequestId, RunbookStatus.Failed), None);

        Assert.Contains("not awaited", late.Ignored, StringComparison.Ordinal);
        Assert.Equal("result ignored", (await h.TimelineAsync(CertId))[^1].What);
        Assert.Equal(1, (await h.IncidentAsync(CertId)).Attempt);
    }

    [Fact]
    public async Task IngestAsync_HighRiskRunbook_AwaitsApprovalThenQueuesWithTheApprover()
    {
        var h = await CreateAsync(azurite);
        var id = IncidentIds.For(Ex01, IncidentKind.ImapConnectionLimit);

        var opened = await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapConnectionLimit), None);
        Assert.Equal(IncidentState.AwaitingApproval, (await h.IncidentAsync(id)).State);
        Assert.Contains(opened.Notifications, n => n.Kind == NotificationKind.ApprovalRequested);
        Assert.Empty(await h.DrainQueueAsync());

        var badApprover = await h.Engine.ApproveAsync(id, "ops; drop", None);
        var approved = await h.Engine.ApproveAsync(id, "ops@contoso.com", None);

        Assert.Contains("not a UPN", badApprover.Ignored, StringComparison.Ordinal);
        var request = Assert.Single(await h.DrainQueueAsync());
        Assert.Equal(RunbookNames.SetImapConnectionLimits, request.Runbook);
        Assert.Equal("ops@contoso.com", request.ApprovedBy);
        Assert.Equal(200000, request.Parameters["MaxConnectionsPerUser"].GetInt64());
        Assert.Equal(IncidentState.Remediating, approved.Incident!.State);
        Assert.Contains(await h.TimelineAsync(id), e => e.What == "approved" && e.Actor == "ops@contoso.com");
    }

    [Fact]
    public async Task IngestAsync_ApprovalOverriddenByPolicy_RunsAutomatically()
    {
        var h = await CreateAsync(azurite, p => p.ApprovalRequired[RunbookNames.SetImapConnectionLimits] = false);

        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapConnectionLimit), None);

        Assert.Equal(RunbookNames.SetImapConnectionLimits, Assert.Single(await h.DrainQueueAsync()).Runbook);
    }

    [Fact]
    public async Task RejectAsync_AwaitingApproval_FailsWithTheApproverOnTheTimeline()
    {
        var h = await CreateAsync(azurite);
        var id = IncidentIds.For(Ex01, IncidentKind.ImapConnectionLimit);
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapConnectionLimit), None);

        await h.Engine.RejectAsync(id, "ops@contoso.com", "capacity change not wanted", None);

        Assert.Equal(IncidentState.Failed, (await h.IncidentAsync(id)).State);
        Assert.Contains(await h.TimelineAsync(id), e => e.What == "approval rejected" && e.Detail == "capacity change not wanted");
    }

    [Fact]
    public async Task ApplyResultAsync_FailedTwice_RetriesAfterCooldownThenEscalates()
    {
        var h = await CreateAsync(azurite);
        var id = IncidentIds.For(Ex01, IncidentKind.TlsHandshakeFailure);
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.TlsHandshakeFailure), None);
        var first = Assert.Single(await h.DrainQueueAsync());

        var retry = await h.Engine.ApplyResultAsync(Result(first.RequestId, RunbookStatus.Failed, error: "no valid certificate\nat line 3"), None);

        var incident = await h.IncidentAsync(id);
        Assert.Equal(IncidentState.Remediating, incident.State);
        Assert.Equal(2, incident.Attempt);
        var second = Assert.Single(retry.QueuedRequestIds);
        Assert.Equal(RunbookRequestIds.For(id, 1, 0, 2), second);
        var outbox = (await h.Incidents.GetEntityAsync<Azure.Data.Tables.TableEntity>(Ex01, "outbox~" + second)).Value;
        var queued = RunbookContract.ParseRequest(outbox.GetString("Request")).Value!;
        Assert.Equal(Start.AddMinutes(30), queued.NotBefore);

        h.Time.Advance(TimeSpan.FromMinutes(31));
        var escalated = await h.Engine.ApplyResultAsync(Result(second, RunbookStatus.TimedOut), None);

        Assert.Equal(IncidentState.Escalated, escalated.Incident!.State);
        Assert.StartsWith("failed after 2 attempts", escalated.Incident.StateReason, StringComparison.Ordinal);
        Assert.Contains(escalated.Notifications, n => n.Kind == NotificationKind.Escalated);
        Assert.Contains(await h.TimelineAsync(id), e => e.What == "retry" && e.Detail!.Contains("no valid certificate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyResultAsync_WorkerRejectedTheRequest_FailsWithTheReasonOnTheTimeline()
    {
        var h = await CreateAsync(azurite);
        var id = IncidentIds.For(Ex01, IncidentKind.TlsHandshakeFailure);
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.TlsHandshakeFailure), None);
        var request = Assert.Single(await h.DrainQueueAsync());

        var change = await h.Engine.ApplyResultAsync(Result(request.RequestId, RunbookStatus.Rejected, error: "BadSignature: the signature does not match the request"), None);

        Assert.Equal(IncidentState.Failed, change.Incident!.State);
        Assert.Contains("the signature does not match", change.Incident.StateReason, StringComparison.Ordinal);
        Assert.Contains(change.Notifications, n => n.Kind == NotificationKind.RequestRejected);
        Assert.Empty(await h.DrainQueueAsync());
    }

    [Fact]
    public async Task IngestAsync_AfterResolved_ReopensAsNewEpisodeWithNewRequestIds()
    {
        var h = await CreateAsync(azurite, p => p.Cooldown = TimeSpan.Zero);
        var id = IncidentIds.For(Ex01, IncidentKind.TlsHandshakeFailure);
        await ResolveTlsAsync(h);

        h.Time.Advance(TimeSpan.FromMinutes(5));
        var reopened = await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.TlsHandshakeFailure, minute: 10), None);

        Assert.Equal(2, reopened.Incident!.Episode);
        Assert.Contains(reopened.Notifications, n => n.Kind == NotificationKind.Reopened);
        Assert.Equal(RunbookRequestIds.For(id, 2, 0, 1), Assert.Single(reopened.QueuedRequestIds));
    }

    [Fact]
    public async Task IngestAsync_LateDetectionOfEventsBeforeResolution_DoesNotReopen()
    {
        var h = await CreateAsync(azurite);
        await ResolveTlsAsync(h);

        var late = await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.TlsHandshakeFailure, minute: -5), None);

        Assert.Equal(IncidentState.Resolved, late.Incident!.State);
        Assert.Empty(late.QueuedRequestIds);
    }

    [Fact]
    public async Task IngestAsync_ReopenedMoreThanAllowed_EscalatesInsteadOfLooping()
    {
        var h = await CreateAsync(azurite, p => { p.Cooldown = TimeSpan.Zero; p.FlapMaxReopens = 2; });
        for (var round = 0; round < 3; round++)
        {
            await ResolveTlsAsync(h, minute: round * 10);
            h.Time.Advance(TimeSpan.FromMinutes(10));
        }

        var last = await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.TlsHandshakeFailure, minute: 40), None);

        Assert.Equal(IncidentState.Escalated, last.Incident!.State);
        Assert.StartsWith("flapping: reopened 3 times", last.Incident.StateReason, StringComparison.Ordinal);
        Assert.Empty(last.QueuedRequestIds);
    }

    [Fact]
    public async Task IngestAsync_DetectionWithHostileServer_RejectedAndNothingWritten()
    {
        var h = await CreateAsync(azurite);

        var change = await h.Engine.IngestAsync(Storm(@"ex01; Remove-Item C:\ -Recurse", IncidentKind.TlsHandshakeFailure), None);

        Assert.Contains("is not a DNS host name", change.Ignored, StringComparison.Ordinal);
        Assert.Empty(h.Incidents.Query<Azure.Data.Tables.TableEntity>().ToList());
        Assert.Empty(await h.DrainQueueAsync());
    }

    [Fact]
    public async Task IngestAsync_PlanWithUnknownRunbook_StepRejectedOnTimelineAndNeverQueued()
    {
        var h = await CreateAsync(azurite);
        var id = IncidentIds.For(Ex01, IncidentKind.ImapProxyAuthFailure);

        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapProxyAuthFailure, plan: ["Invoke-Expression", RunbookNames.GetImapDiagnostics]), None);

        Assert.Contains(await h.TimelineAsync(id), e => e.What == "plan step rejected" && e.Detail!.Contains("'Invoke-Expression'", StringComparison.Ordinal));
        Assert.Equal(RunbookNames.GetImapDiagnostics, Assert.Single(await h.DrainQueueAsync()).Runbook);
    }

    [Fact]
    public async Task ApplyResultAsync_DiagnosticsOnlyPlanCompletes_Escalates()
    {
        var h = await CreateAsync(azurite);
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapProxyAuthFailure), None);
        var request = Assert.Single(await h.DrainQueueAsync());

        var change = await h.Engine.ApplyResultAsync(Result(request.RequestId), None);

        Assert.Equal(IncidentState.Escalated, change.Incident!.State);
        Assert.Contains("no automatic fix", change.Incident.StateReason, StringComparison.Ordinal);
    }

    private static async Task ResolveTlsAsync(EngineHarness h, int minute = 0)
    {
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.TlsHandshakeFailure, minute: minute), None);
        foreach (var verification in new[] { VerificationOutcome.NotRun, VerificationOutcome.Passed })
        {
            var request = Assert.Single(await h.DrainQueueAsync());
            await h.Engine.ApplyResultAsync(Result(request.RequestId, verification: verification), None);
        }

        Assert.Equal(IncidentState.Resolved, (await h.IncidentAsync(IncidentIds.For(Ex01, IncidentKind.TlsHandshakeFailure))).State);
    }
}
