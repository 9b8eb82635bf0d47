using Azure;
using Azure.Data.Tables;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Testing;
using static ImapAutomation.Core.Tests.Incidents.EngineHarness;

namespace ImapAutomation.Core.Tests.Incidents;

[Collection(AzuriteGroup.Name)]
public sealed class IncidentIndexTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task IngestAsync_IncidentBecomesActive_IndexedAndItsDispatchedOutboxRowIsNot()
    {
        var h = await CreateAsync(azurite);

        var change = await h.Engine.IngestAsync(Storm("ex01", IncidentKind.TlsHandshakeFailure), None);

        // No announcer here, so the opened card waits undelivered and the incident is indexed for the tick to post it.
        Assert.Equal(["active~ex01~TlsHandshakeFailure", "notices~ex01~TlsHandshakeFailure"], IndexRows(h));
        Assert.Single(change.QueuedRequestIds);
    }

    [Fact]
    public async Task TickAsync_ReadsOnlyIndexedIncidents_ClosedOnesLeaveTheIndexAfterTheGrace()
    {
        var h = await CreateAsync(azurite, p => p.Cooldown = TimeSpan.FromMinutes(1));
        await h.Engine.IngestAsync(Storm("ex01", IncidentKind.TlsHandshakeFailure), None);
        await h.Engine.IngestAsync(Storm("ex02", IncidentKind.ImapProxyAuthFailure), None);
        var proxy = (await h.DrainQueueAsync()).Single(r => r.TargetServer == "ex02");
        await h.Engine.ApplyResultAsync(Result(proxy.RequestId), None);
        Assert.Equal(IncidentState.Escalated, (await h.IncidentAsync(IncidentIds.For("ex02", IncidentKind.ImapProxyAuthFailure))).State);

        // The tick's only table reads are this partition and the rows it names: an incident outside it is not seen.
        await h.Engine.TickAsync(None);
        await h.Incidents.DeleteEntityAsync(IncidentIndex.Partition, "active~ex01~TlsHandshakeFailure");
        h.Time.Advance(h.Policy.RequestLifetime + TimeSpan.FromMinutes(6));
        await h.Engine.TickAsync(None);

        Assert.Equal(1, (await h.IncidentAsync(IncidentIds.For("ex01", IncidentKind.TlsHandshakeFailure))).Attempt);
        Assert.DoesNotContain("active~ex02~ImapProxyAuthFailure", IndexRows(h));
    }

    [Fact]
    public async Task TickAsync_IndexedRequestExpired_TimesOutAndRetries()
    {
        var h = await CreateAsync(azurite, p => p.Cooldown = TimeSpan.FromMinutes(1));
        await h.Engine.IngestAsync(Storm("ex01", IncidentKind.TlsHandshakeFailure), None);

        h.Time.Advance(h.Policy.RequestLifetime + TimeSpan.FromMinutes(6));
        var touched = await h.Engine.TickAsync(None);

        Assert.Equal(1, touched);
        Assert.Equal(2, (await h.IncidentAsync(IncidentIds.For("ex01", IncidentKind.TlsHandshakeFailure))).Attempt);
    }

    [Fact]
    public async Task TickAsync_OutboxRowNeverDispatched_SentFromTheIndexOnceThenForgotten()
    {
        var h = await CreateAsync(azurite);
        var change = await h.Engine.IngestAsync(Storm("ex01", IncidentKind.TlsHandshakeFailure), None);
        var requestId = Assert.Single(change.QueuedRequestIds);
        await h.DrainQueueAsync();

        // As if the writer died after its transaction and before sending: the row is undelivered, the index names it.
        await h.Incidents.UpdateEntityAsync(new TableEntity("ex01", "outbox~" + requestId) { ["Dispatched"] = false }, ETag.All, TableUpdateMode.Merge);
        await h.Incidents.UpsertEntityAsync(new TableEntity(IncidentIndex.Partition, IncidentIndex.OutboxRow("ex01", requestId)) { ["At"] = Start });
        await h.Ledger.Table.DeleteEntityAsync("request", requestId);
        await h.Engine.TickAsync(None);
        await h.Engine.TickAsync(None);

        var resent = Assert.Single(await h.DrainQueueAsync());
        Assert.Equal(requestId, resent.RequestId);
        Assert.DoesNotContain(IncidentIndex.OutboxRow("ex01", requestId), IndexRows(h));
        Assert.True((await h.Incidents.GetEntityAsync<TableEntity>("ex01", "outbox~" + requestId)).Value.GetBoolean("Dispatched"));
    }

    [Fact]
    public async Task TickAsync_TableWrittenBeforeTheIndex_BuildsItOnceFromAScan()
    {
        var h = await CreateAsync(azurite, p => p.Cooldown = TimeSpan.FromMinutes(1));
        await h.Engine.IngestAsync(Storm("ex01", IncidentKind.TlsHandshakeFailure), None);
        await h.Engine.IngestAsync(Storm("ex02", IncidentKind.TlsHandshakeFailure), None);
        foreach (var row in h.Incidents.Query<TableEntity>(e => e.PartitionKey == IncidentIndex.Partition).ToList())
        {
            await h.Incidents.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }

        h.Time.Advance(h.Policy.RequestLifetime + TimeSpan.FromMinutes(6));
        var touched = await h.Engine.TickAsync(None);

        Assert.Equal(2, touched);
        Assert.Contains("built", h.Incidents.Query<TableEntity>(e => e.PartitionKey == IncidentIndex.Partition).Select(e => e.RowKey));
        Assert.Equal(["active~ex01~TlsHandshakeFailure", "active~ex02~TlsHandshakeFailure"], IndexRows(h).Where(r => r.StartsWith("active~", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TickAsync_IndexRowFresherThanTheGrace_KeptEvenIfItsIncidentLooksClosed()
    {
        var h = await CreateAsync(azurite);
        await h.Engine.TickAsync(None);

        // A writer upserted the row and has not committed its transaction yet: the incident does not exist so far.
        await h.Incidents.UpsertEntityAsync(new TableEntity(IncidentIndex.Partition, IncidentIndex.ActiveRow("ex09", IncidentKind.TlsHandshakeFailure)) { ["At"] = Start });
        await h.Engine.TickAsync(None);
        Assert.Contains("active~ex09~TlsHandshakeFailure", IndexRows(h));

        h.Time.Advance(IncidentIndex.Grace + TimeSpan.FromMinutes(1));
        await h.Engine.TickAsync(None);
        Assert.DoesNotContain("active~ex09~TlsHandshakeFailure", IndexRows(h));
    }

    [Fact]
    public async Task TickAsync_CardsLeftByAnOutage_PostedOnceThenTheNoticesEntryLeavesTheIndex()
    {
        var h = await CreateAsync(azurite);
        var teams = new FlakyAnnouncer { Down = true };
        var engine = h.NewEngine(teams);
        await engine.IngestAsync(Storm("ex01", IncidentKind.TlsHandshakeFailure), None);
        Assert.Contains("notices~ex01~TlsHandshakeFailure", IndexRows(h));

        teams.Down = false;
        await engine.TickAsync(None);
        await engine.TickAsync(None);
        Assert.Single(teams.Posted, k => k.EndsWith("-opened", StringComparison.Ordinal));

        h.Time.Advance(IncidentIndex.Grace + TimeSpan.FromMinutes(1));
        await engine.TickAsync(None);
        Assert.DoesNotContain("notices~ex01~TlsHandshakeFailure", IndexRows(h));
        Assert.Equal(teams.Posted.Distinct().Count(), teams.Posted.Count);
    }

    [Fact]
    public async Task IngestAsync_TeamsRefusesACard_ItIsAbandonedWithItsReasonAndLaterCardsStillGo()
    {
        var h = await CreateAsync(azurite);
        var teams = new FlakyAnnouncer { RefuseOpenedWith = 400 };
        var engine = h.NewEngine(teams);
        await engine.IngestAsync(Storm("ex01", IncidentKind.ImapCertificateBinding), None);

        var opened = h.Incidents.Query<TableEntity>(e => e.PartitionKey == "ex01").Single(e => e.RowKey.StartsWith("notice~", StringComparison.Ordinal) && e.RowKey.EndsWith("-opened", StringComparison.Ordinal));
        Assert.True(opened.GetBoolean("Abandoned"));
        Assert.Contains("status 400", opened.GetString("LastError"), StringComparison.Ordinal);

        Assert.Contains(teams.Posted, k => k.Contains("-remediation-queued", StringComparison.Ordinal));
        teams.RefuseOpenedWith = null;
        await engine.TickAsync(None);
        Assert.DoesNotContain(teams.Posted, k => k.EndsWith("-opened", StringComparison.Ordinal));
    }

    private sealed class FlakyAnnouncer : IIncidentAnnouncer
    {
        public bool Down { get; set; }

        public int? RefuseOpenedWith { get; set; }

        public List<string> Posted { get; } = [];

        public Task<string?> AnnounceAsync(IncidentAnnouncement announcement, CancellationToken cancellationToken)
        {
            if (Down)
            {
                throw new ImapAutomation.Core.Teams.TeamsDeliveryException("Teams is down", 503);
            }

            if (RefuseOpenedWith is { } status && announcement.Notification.Kind == NotificationKind.IncidentOpened)
            {
                throw new ImapAutomation.Core.Teams.TeamsDeliveryException($"The Teams webhook refused it with status {status}.", status);
            }

            Posted.Add($"{announcement.Incident.Id}/{announcement.State}");
            return Task.FromResult<string?>(null);
        }
    }

    private static List<string> IndexRows(EngineHarness h) =>
        [.. h.Incidents.Query<TableEntity>(e => e.PartitionKey == IncidentIndex.Partition).Select(e => e.RowKey).Where(k => k != "built").Order(StringComparer.Ordinal)];
}
