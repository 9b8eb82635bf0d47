using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Policy;
using ImapAutomation.Testing;
using static ImapAutomation.Core.Tests.Incidents.EngineHarness;

namespace ImapAutomation.Core.Tests.Policy;

[Collection(AzuriteGroup.Name)]
public sealed class RemediationPolicyTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static string Tls(string server) => IncidentIds.For(server, IncidentKind.TlsHandshakeFailure);

    [Fact]
    public async Task IngestAsync_ServerAlreadyRemediatingAnotherKind_WaitsThenStartsOnTickAfterItResolves()
    {
        var h = await CreateAsync(azurite);
        await h.Engine.IngestAsync(Storm("ex01", IncidentKind.TlsHandshakeFailure), None);
        var tls = Assert.Single(await h.DrainQueueAsync());

        var second = await h.Engine.IngestAsync(Storm("ex01", IncidentKind.ImapCertificateBinding), None);

        Assert.Equal(IncidentState.Open, second.Incident!.State);
        Assert.Equal("server busy with ex01/TlsHandshakeFailure", second.Incident.StateReason);
        Assert.Empty(await h.DrainQueueAsync());

        await h.Engine.ApplyResultAsync(Result(tls.RequestId), None);
        var probe = Assert.Single(await h.DrainQueueAsync());
        await h.Engine.ApplyResultAsync(Result(probe.RequestId, verification: VerificationOutcome.Passed), None);
        await h.Engine.TickAsync(None);

        var started = Assert.Single(await h.DrainQueueAsync());
        Assert.Equal(IncidentIds.For("ex01", IncidentKind.ImapCertificateBinding), started.IncidentId);
    }

    [Fact]
    public async Task IngestAsync_AnotherServerOfTheDagBeingChanged_WaitsForIt()
    {
        var h = await CreateAsync(azurite, p =>
        {
            p.DatabaseAvailabilityGroups["ex01"] = "dag1";
            p.DatabaseAvailabilityGroups["ex02"] = "dag1";
            p.FleetBreakerServers = 10;
        });
        await h.Engine.IngestAsync(Storm("ex01.contoso.com", IncidentKind.TlsHandshakeFailure), None);
        var first = Assert.Single(await h.DrainQueueAsync());

        var waiting = await h.Engine.IngestAsync(Storm("ex02.contoso.com", IncidentKind.TlsHandshakeFailure), None);
        var otherDag = await h.Engine.IngestAsync(Storm("ex03.contoso.com", IncidentKind.TlsHandshakeFailure), None);

        Assert.Equal("DAG dag1 busy with ex01.contoso.com", waiting.Incident!.StateReason);
        Assert.Single(otherDag.QueuedRequestIds);
        Assert.Single(await h.DrainQueueAsync());

        await h.Engine.ApplyResultAsync(Result(first.RequestId, verification: VerificationOutcome.Passed), None);
        await h.Engine.TickAsync(None);

        Assert.Equal(Tls("ex02.contoso.com"), Assert.Single(await h.DrainQueueAsync()).IncidentId);
    }

    [Fact]
    public async Task IngestAsync_ThirdServerNeedingTheSameChangeWithinAnHour_TripsTheBreakerAndEscalatesOnce()
    {
        var h = await CreateAsync(azurite);
        var changes = new List<IncidentChange>();
        foreach (var server in new[] { "ex01", "ex02", "ex03", "ex04" })
        {
            changes.Add(await h.Engine.IngestAsync(Storm(server, IncidentKind.TlsHandshakeFailure), None));
            h.Time.Advance(TimeSpan.FromMinutes(5));
        }

        Assert.Equal(2, (await h.DrainQueueAsync()).Count);
        Assert.Equal(IncidentState.Escalated, changes[2].Incident!.State);
        Assert.StartsWith("fleet circuit breaker: 3 servers", changes[2].Incident!.StateReason, StringComparison.Ordinal);
        Assert.Equal(IncidentState.Escalated, changes[3].Incident!.State);
        Assert.Single(changes.SelectMany(c => c.Notifications), n => n.Kind == NotificationKind.FleetEscalated);

        // Other kinds are not affected by this kind's breaker.
        var other = await h.Engine.IngestAsync(Storm("ex05", IncidentKind.ImapCertificateBinding), None);
        Assert.Single(other.QueuedRequestIds);
    }

    [Fact]
    public async Task IngestAsync_ServersHeldAfterTheBreakerTripped_EachGetsOneHeldNotificationPointingAtTheFleetCard()
    {
        var h = await CreateAsync(azurite);
        var servers = new[] { "ex01", "ex02", "ex03", "ex04", "ex05" };
        var changes = new List<IncidentChange>();
        foreach (var server in servers)
        {
            changes.Add(await h.Engine.IngestAsync(Storm(server, IncidentKind.TlsHandshakeFailure), None));
            h.Time.Advance(TimeSpan.FromMinutes(5));
        }

        var tripper = changes[2].Notifications;
        Assert.Contains(tripper, n => n.Kind == NotificationKind.FleetEscalated);
        Assert.DoesNotContain(tripper, n => n.Kind == NotificationKind.FleetHeld);
        foreach (var held in changes.Skip(3))
        {
            Assert.Equal(IncidentState.Escalated, held.Incident!.State);
            var notice = Assert.Single(held.Notifications, n => n.Kind == NotificationKind.FleetHeld);
            Assert.Equal(held.Incident.Id, notice.IncidentId);
            Assert.Equal(Tls("ex03"), notice.RelatedIncidentId);
            Assert.StartsWith("fleet circuit breaker: ", notice.Text, StringComparison.Ordinal);
            Assert.Contains("servers needed TlsHandshakeFailure changes", notice.Text, StringComparison.Ordinal);
            Assert.EndsWith("the fleet escalation is on ex03/TlsHandshakeFailure", notice.Text, StringComparison.Ordinal);
        }

        Assert.Contains("5 servers", changes[4].Notifications.Single(n => n.Kind == NotificationKind.FleetHeld).Text, StringComparison.Ordinal);
        Assert.DoesNotContain(changes.Take(2).SelectMany(c => c.Notifications), n => n.Kind is NotificationKind.FleetHeld or NotificationKind.FleetEscalated);

        // At-least-once: the same detections again, a new storm on a held server and ticks add no notice.
        foreach (var server in servers)
        {
            Assert.Empty((await h.Engine.IngestAsync(Storm(server, IncidentKind.TlsHandshakeFailure), None)).Notifications);
        }

        Assert.Empty((await h.Engine.IngestAsync(Storm("ex04", IncidentKind.TlsHandshakeFailure, minute: 20), None)).Notifications);
        await h.Engine.TickAsync(None);
        h.Time.Advance(TimeSpan.FromMinutes(10));
        await h.Engine.TickAsync(None);

        var rows = new List<Azure.Data.Tables.TableEntity>();
        await foreach (var row in h.Incidents.QueryAsync<Azure.Data.Tables.TableEntity>(r => r.RowKey.CompareTo("notice~") > 0 && r.RowKey.CompareTo("notice~~") < 0))
        {
            rows.Add(row);
        }

        var heldRows = rows.Where(r => r.GetString("NoticeKind") == nameof(NotificationKind.FleetHeld)).ToList();
        Assert.Equal(["ex04", "ex05"], heldRows.Select(r => r.PartitionKey).Order(StringComparer.Ordinal));
        Assert.All(heldRows, r => Assert.Equal(Tls("ex03"), r.GetString("NoticeRelated")));
        Assert.Single(rows, r => r.GetString("NoticeKind") == nameof(NotificationKind.FleetEscalated));
    }

    [Fact]
    public async Task IngestAsync_ServersSpreadOverMoreThanTheWindow_DoNotTripTheBreaker()
    {
        var h = await CreateAsync(azurite);
        foreach (var server in new[] { "ex01", "ex02", "ex03" })
        {
            await h.Engine.IngestAsync(Storm(server, IncidentKind.TlsHandshakeFailure), None);
            h.Time.Advance(TimeSpan.FromMinutes(40));
        }

        Assert.Equal(3, (await h.DrainQueueAsync()).Count);
    }

    [Fact]
    public async Task IngestAsync_InMaintenanceWindow_CountsButSuppressesUntilTheWindowEnds()
    {
        var h = await CreateAsync(azurite, p => p.MaintenanceWindows.Add(new MaintenanceWindow
        {
            Name = "patching", Servers = ["ex01"], Start = Start.AddMinutes(-5), End = Start.AddHours(1),
        }));

        await h.Engine.IngestAsync(Storm("ex01", IncidentKind.TlsHandshakeFailure, events: 10), None);
        var during = await h.Engine.IngestAsync(Storm("ex01", IncidentKind.TlsHandshakeFailure, events: 5, minute: 1), None);

        Assert.Equal(IncidentState.Suppressed, during.Incident!.State);
        Assert.Equal(15, during.Incident.EventCount);
        Assert.StartsWith("maintenance window 'patching'", during.Incident.StateReason, StringComparison.Ordinal);
        Assert.Empty(await h.DrainQueueAsync());

        h.Time.Advance(TimeSpan.FromMinutes(61));
        await h.Engine.TickAsync(None);

        Assert.Equal(RunbookNames.SetImapCertificate, Assert.Single(await h.DrainQueueAsync()).Runbook);
        Assert.Contains(await h.TimelineAsync(Tls("ex01")), e => e.What == "suppression ended");
    }

    [Fact]
    public async Task MuteAsync_OneKind_SuppressesThatKindOnly()
    {
        var h = await CreateAsync(azurite);
        await h.Engine.MuteAsync("ex01", IncidentKind.TlsHandshakeFailure, Start.AddHours(2), "ops@contoso.com", None);

        var muted = await h.Engine.IngestAsync(Storm("ex01", IncidentKind.TlsHandshakeFailure), None);
        var other = await h.Engine.IngestAsync(Storm("ex02", IncidentKind.TlsHandshakeFailure), None);

        Assert.Equal(IncidentState.Suppressed, muted.Incident!.State);
        Assert.StartsWith("muted by ops@contoso.com", muted.Incident.StateReason, StringComparison.Ordinal);
        Assert.Single(other.QueuedRequestIds);
        await Assert.ThrowsAsync<ArgumentException>(() => h.Engine.MuteAsync("ex01;rm", null, Start, "ops@contoso.com", None));
    }

    [Fact]
    public async Task TickAsync_RequestExpiredWithoutResult_TimesOutAndRetries()
    {
        var h = await CreateAsync(azurite, p => p.Cooldown = TimeSpan.FromMinutes(1));
        await h.Engine.IngestAsync(Storm("ex01", IncidentKind.TlsHandshakeFailure), None);
        var lost = Assert.Single(await h.DrainQueueAsync());

        h.Time.Advance(h.Policy.RequestLifetime + TimeSpan.FromMinutes(6));
        await h.Engine.TickAsync(None);

        var incident = await h.IncidentAsync(Tls("ex01"));
        Assert.Equal(2, incident.Attempt);
        Assert.Equal(RunbookRequestIds.For(Tls("ex01"), 1, 0, 2), incident.Plan[0].RequestId);
        Assert.Contains(await h.TimelineAsync(Tls("ex01")), e => e.What == "timed out" && e.Detail!.Contains(lost.RequestId, StringComparison.Ordinal));
    }

    [Fact]
    public void PolicyOptions_Defaults_AreTheDocumentedOnes()
    {
        var options = new PolicyOptions();

        Assert.Equal(TimeSpan.FromMinutes(30), options.Cooldown);
        Assert.Equal(2, options.MaxAttempts);
        Assert.Equal(3, options.FleetBreakerServers);
        Assert.Equal(TimeSpan.FromHours(1), options.FleetWindow);
        Assert.Equal(TimeSpan.FromSeconds(1), options.CounterFlushInterval);
        Assert.All([RunbookNames.GetImapDiagnostics, RunbookNames.TestImapTls, RunbookNames.SetImapCertificate, RunbookNames.RestartImapServices, RunbookNames.SetImapProtocolLogQuota],
            r => Assert.False(options.NeedsApproval(r), r));
        Assert.All([RunbookNames.DisableImapNtlm, RunbookNames.SetImapConnectionLimits, RunbookNames.SetImapThrottlingPolicy, RunbookNames.SetStoreSessionLimits],
            r => Assert.True(options.NeedsApproval(r), r));
        Assert.True(options.NeedsApproval("Invoke-Expression"));
    }

    [Fact]
    public void PolicyOptions_InvalidValues_FailValidationNamingEachProblem()
    {
        var options = new PolicyOptions { MaxAttempts = 0, Cooldown = TimeSpan.FromDays(30) };
        options.ApprovalRequired["Remove-Mailbox"] = false;
        options.DatabaseAvailabilityGroups["ex01; rm"] = "dag1";
        options.MaintenanceWindows.Add(new MaintenanceWindow { Servers = ["ex01"], Start = Start, End = Start });

        var attributes = new Microsoft.Extensions.Options.DataAnnotationValidateOptions<PolicyOptions>(null).Validate(null, options);
        options.MaxAttempts = 2;
        options.Cooldown = TimeSpan.FromMinutes(30);
        var custom = new Microsoft.Extensions.Options.DataAnnotationValidateOptions<PolicyOptions>(null).Validate(null, options);

        Assert.True(attributes.Failed);
        Assert.Contains("MaxAttempts", attributes.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Cooldown", attributes.FailureMessage, StringComparison.Ordinal);
        Assert.True(custom.Failed);
        Assert.Contains("'Remove-Mailbox', which is not a catalog runbook", custom.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("'ex01; rm'", custom.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("MaintenanceWindows:0 ends before it starts", custom.FailureMessage, StringComparison.Ordinal);
    }
}
