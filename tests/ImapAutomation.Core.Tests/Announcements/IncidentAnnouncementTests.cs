using Azure.Data.Tables;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Tests.Cards;
using ImapAutomation.Testing;
using static ImapAutomation.Core.Tests.Incidents.EngineHarness;

namespace ImapAutomation.Core.Tests.Announcements;

/// <summary>The engine's notification outbox end to end: Azurite tables, the production announcer, a recording Teams endpoint.</summary>
[Collection(AzuriteGroup.Name)]
public sealed class IncidentAnnouncementTests(AzuriteFixture azurite)
{
    private const string Ex01 = "ex01.contoso.com";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task IngestAsync_StormFromTwoInstances_PostsExactlyOneOpenedCard()
    {
        var h = await CreateAsync(azurite);
        await using var teams = await Accepting();
        using var first = AnnouncerHost.Webhook(h, teams);
        using var second = AnnouncerHost.Webhook(h, teams);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            (i % 2 == 0 ? first : second).Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapCertificateBinding, events: 100, minute: i), None)));

        var cards = teams.Requests.Select(TeamsWire.WebhookCard).ToList();
        Assert.All(cards, CardAssert.ValidAgainstSchema);
        Assert.Equal(["incident", "progress"], cards.Select(TeamsWire.KindOf));
        Assert.Contains(CardAssert.Texts(cards[0]), t => t.Contains("ex01.contoso.com", StringComparison.Ordinal));
        Assert.Equal(2, await CountAsync(h, "posted~"));
        Assert.Equal(0, await UndeliveredAsync(h));
    }

    [Fact]
    public async Task IngestAsync_ApprovalNeeded_CardLinksCarryATokenThatVerifiesForThatStep()
    {
        var h = await CreateAsync(azurite, p => p.ApprovalRequired[RunbookNames.SetImapCertificate] = true);
        await using var teams = await Accepting();
        using var host = AnnouncerHost.Webhook(h, teams);
        var id = IncidentIds.For(Ex01, IncidentKind.TlsHandshakeFailure);

        await host.Engine.IngestAsync(Storm(Ex01, IncidentKind.TlsHandshakeFailure), None);

        var cards = teams.Requests.Select(TeamsWire.WebhookCard).ToList();
        Assert.Equal(["incident", "approval"], cards.Select(TeamsWire.KindOf));
        CardAssert.ValidAgainstSchema(cards[1]);
        var links = CardAssert.Urls(cards[1]).Where(u => u.Contains("/api/approvals/", StringComparison.Ordinal)).Select(u => new Uri(u)).ToList();
        Assert.Equal(["?decision=approve", "?decision=reject"], links.Select(u => u.Query));
        Assert.All(links, u => Assert.Equal(AnnouncerHost.PublicHost, u.Host));
        var token = Uri.UnescapeDataString(links[0].AbsolutePath["/api/approvals/".Length..]);
        var (claims, error) = host.Tokens.Validate(token);
        Assert.Null(error);
        var incident = await h.IncidentAsync(id);
        Assert.True(claims!.Matches(incident));
        Assert.Equal((id, 0, RunbookNames.SetImapCertificate), (claims.IncidentId, claims.Step, claims.Runbook));

        var approved = await host.Engine.ApproveAsync(id, "ops@contoso.com", None);

        Assert.False(claims.Matches(approved.Incident!));
        var queued = TeamsWire.WebhookCard(teams.Requests[^1]);
        Assert.Equal("progress", TeamsWire.KindOf(queued));
        Assert.Contains(CardAssert.Texts(queued), t => CardAssert.Rendered(t).Contains("approved by ops[@]contoso.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IngestAsync_ApprovalTokenExpires_AfterTheConfiguredLifetime()
    {
        var h = await CreateAsync(azurite, p => p.ApprovalRequired[RunbookNames.SetImapCertificate] = true);
        await using var teams = await Accepting();
        using var host = AnnouncerHost.Webhook(h, teams);
        await host.Engine.IngestAsync(Storm(Ex01, IncidentKind.TlsHandshakeFailure), None);
        var link = CardAssert.Urls(TeamsWire.WebhookCard(teams.Requests[^1])).First(u => u.Contains("/api/approvals/", StringComparison.Ordinal));
        var token = Uri.UnescapeDataString(new Uri(link).AbsolutePath["/api/approvals/".Length..]);

        h.Time.Advance(TimeSpan.FromHours(8));

        Assert.Equal("the approval link has expired", host.Tokens.Validate(token).Error);
    }

    [Fact]
    public async Task ApplyResultAsync_VerifiedFix_PostsTheResolvedCardWithTheVerification()
    {
        var h = await CreateAsync(azurite);
        await using var teams = await Accepting();
        using var host = AnnouncerHost.Webhook(h, teams);
        await host.Engine.IngestAsync(Storm(Ex01, IncidentKind.TlsHandshakeFailure), None);

        foreach (var verification in new[] { VerificationOutcome.NotRun, VerificationOutcome.Passed })
        {
            var request = Assert.Single(await h.DrainQueueAsync());
            await host.Engine.ApplyResultAsync(Result(request.RequestId, verification: verification), None);
        }

        var cards = teams.Requests.Select(TeamsWire.WebhookCard).ToList();
        Assert.Equal(["incident", "progress", "result"], cards.Select(TeamsWire.KindOf));
        var result = cards[^1];
        CardAssert.ValidAgainstSchema(result);
        Assert.StartsWith("RESOLVED:", (string?)result["fallbackText"], StringComparison.Ordinal);
        var texts = CardAssert.Texts(result).Select(CardAssert.Rendered).ToList();
        Assert.Contains("IMAPS handshake Passed", texts);
        Assert.Contains(texts, t => t.Contains(RunbookNames.SetImapCertificate, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyResultAsync_HostileWorkerError_EscalationCardShowsItEscaped()
    {
        var h = await CreateAsync(azurite);
        await using var teams = await Accepting();
        using var host = AnnouncerHost.Webhook(h, teams);
        await host.Engine.IngestAsync(Storm(Ex01, IncidentKind.TlsHandshakeFailure), None);
        var request = Assert.Single(await h.DrainQueueAsync());
        const string Hostile = "BadSignature [click me](https://evil.example/x) **now** <at>everyone</at> _x_";

        await host.Engine.ApplyResultAsync(Result(request.RequestId, RunbookStatus.Rejected, error: Hostile), None);

        var card = TeamsWire.WebhookCard(teams.Requests[^1]);
        Assert.Equal("escalation", TeamsWire.KindOf(card));
        CardAssert.ValidAgainstSchema(card);
        Assert.All(CardAssert.Texts(card), t => Assert.False(CardAssert.HasLiveMarkdown(t), $"Live markdown in card text: {t}"));
        Assert.Contains(CardAssert.Texts(card).Select(CardAssert.Rendered), t => t.Contains("[click me]", StringComparison.Ordinal));
        Assert.All(CardAssert.Urls(card), u => Assert.StartsWith($"https://{AnnouncerHost.PublicHost}/", u, StringComparison.Ordinal));
    }

    [Fact]
    public async Task IngestAsync_FleetBreakerTrips_PostsOneFleetCardSayingWhy()
    {
        var h = await CreateAsync(azurite);
        await using var teams = await Accepting();
        using var host = AnnouncerHost.Webhook(h, teams);

        foreach (var server in new[] { "ex01", "ex02", "ex03", "ex04" })
        {
            await host.Engine.IngestAsync(Storm(server, IncidentKind.TlsHandshakeFailure), None);
            h.Time.Advance(TimeSpan.FromMinutes(5));
        }

        var cards = teams.Requests.Select(TeamsWire.WebhookCard).ToList();
        Assert.All(cards, CardAssert.ValidAgainstSchema);
        // One fleet card (on the server that tripped it); the server held after it has its own card (see below).
        var escalation = Assert.Single(cards, c => TeamsWire.KindOf(c) == "escalation"
            && CardAssert.Texts(c).Any(t => t.Contains("automatic changes stopped", StringComparison.Ordinal)));
        var texts = CardAssert.Texts(escalation).Select(CardAssert.Rendered).ToList();
        Assert.Contains(texts, t => t.Contains("circuit breaker open", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("3 servers need TlsHandshakeFailure changes", StringComparison.Ordinal));
        Assert.Equal(4, cards.Count(c => TeamsWire.KindOf(c) == "incident"));
    }

    [Fact]
    public async Task IngestAsync_TeamsDown_CommitsAndATickLaterPostsEachCardOnce()
    {
        var h = await CreateAsync(azurite);
        await using var teams = await RecordingHttpServer.StartAsync(https: false);
        teams.Fallback = new ScriptedResponse(503, """{"error":"Service Unavailable"}""");
        using var host = AnnouncerHost.Webhook(h, teams);

        var change = await host.Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapCertificateBinding), None);

        Assert.Equal(1, change.Writes);
        Assert.Single(await h.DrainQueueAsync());
        Assert.Equal(2, await UndeliveredAsync(h));
        var failed = teams.Requests.Count;
        Assert.Equal(2, failed);
        Assert.Contains(host.Logs.Collector.GetSnapshot(), r => r.Message.Contains("not delivered", StringComparison.Ordinal));

        teams.Fallback = new ScriptedResponse(202);
        await host.Engine.TickAsync(None);
        await host.Engine.TickAsync(None);

        var delivered = teams.Requests.Skip(failed).Select(TeamsWire.WebhookCard).ToList();
        Assert.Equal(["incident", "progress"], delivered.Select(TeamsWire.KindOf));
        Assert.Equal(0, await UndeliveredAsync(h));
    }

    [Fact]
    public async Task TickAsync_TwoInstancesAtOnce_PostEachWaitingCardOnce()
    {
        var h = await CreateAsync(azurite);
        await using var teams = await RecordingHttpServer.StartAsync(https: false);
        teams.Fallback = new ScriptedResponse(503);
        using var first = AnnouncerHost.Webhook(h, teams);
        using var second = AnnouncerHost.Webhook(h, teams);
        foreach (var server in new[] { Ex01, "ex02.contoso.com", "ex03.contoso.com" })
        {
            await first.Engine.IngestAsync(Storm(server, IncidentKind.ImapCertificateBinding), None);
        }

        var failed = teams.Requests.Count;
        teams.Fallback = new ScriptedResponse(202);
        await Task.WhenAll(first.Engine.TickAsync(None), second.Engine.TickAsync(None), first.Engine.TickAsync(None), second.Engine.TickAsync(None));

        var delivered = teams.Requests.Skip(failed).Select(TeamsWire.WebhookCard).ToList();
        Assert.Equal(6, delivered.Count);
        Assert.Equal(3, delivered.Count(c => TeamsWire.KindOf(c) == "incident"));
        Assert.Equal(0, await UndeliveredAsync(h));
        Assert.Equal(6, await CountAsync(h, "posted~"));
    }

    [Fact]
    public async Task IngestAsync_NoAnnouncer_NoticeWaitsAndAnInstanceWithOnePostsItOnTick()
    {
        var h = await CreateAsync(azurite);
        await using var teams = await Accepting();

        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapCertificateBinding), None);
        Assert.Equal(2, await UndeliveredAsync(h));
        using var host = AnnouncerHost.Webhook(h, teams);
        await host.Engine.TickAsync(None);

        Assert.Equal(["incident", "progress"], teams.Requests.Select(TeamsWire.WebhookCard).Select(TeamsWire.KindOf));
    }

    [Fact]
    public async Task IngestAsync_GraphTransport_UpdatesReplyInTheIncidentThreadAndMessageIdsAreKept()
    {
        var h = await CreateAsync(azurite);
        await using var graph = await RecordingHttpServer.StartAsync(https: false);
        graph.Enqueue(Created("1764500000001"), Created("1764500000002"), Created("1764500000003"));
        using var host = AnnouncerHost.Graph(h, graph);
        var id = IncidentIds.For(Ex01, IncidentKind.TlsHandshakeFailure);

        await host.Engine.IngestAsync(Storm(Ex01, IncidentKind.TlsHandshakeFailure), None);
        var request = Assert.Single(await h.DrainQueueAsync());
        await host.Engine.ApplyResultAsync(Result(request.RequestId, RunbookStatus.Rejected, error: "Expired"), None);

        // The recording server shows the path as ASP.NET Core decoded it.
        var messages = $"/v1.0/teams/{AnnouncerHost.Team}/channels/{AnnouncerHost.Channel}/messages";
        Assert.Equal([messages, messages + "/1764500000001/replies", messages + "/1764500000001/replies"], graph.Requests.Select(r => r.PathAndQuery));
        Assert.All(graph.Requests, r => Assert.Equal("Bearer delegated", r.Headers["Authorization"]));
        var cards = graph.Requests.Select(TeamsWire.GraphCard).ToList();
        Assert.Equal(["incident", "progress", "escalation"], cards.Select(TeamsWire.KindOf));
        Assert.All(cards, CardAssert.ValidAgainstSchema);
        var posted = await RowsAsync(h, "posted~");
        Assert.Equal(["1764500000001", "1764500000002", "1764500000003"], posted.Select(r => r.GetString("MessageId")));
        Assert.All(posted, r => Assert.StartsWith(id + "/", r.GetString("IdempotencyKey"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddTeamsAnnouncer_PublicBaseUrlHostNotAllowedOnCards_FailsBeforeAnyCardNamingBoth()
    {
        var h = await CreateAsync(azurite);
        await using var teams = await Accepting();
        var settings = new Dictionary<string, string?> { ["Functions:PublicBaseUrl"] = "https://elsewhere.example/" };

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => AnnouncerHost.Webhook(h, teams, settings));

        Assert.Contains("PublicBaseUrl host 'elsewhere.example'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Cards:AllowedLinkHosts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestAsync_FleetBreakerHoldsLaterServers_EachPostsOneHeldCardAndReplaysPostNothing()
    {
        var h = await CreateAsync(azurite);
        await using var teams = await Accepting();
        using var host = AnnouncerHost.Webhook(h, teams);
        var servers = new[] { "ex01.contoso.com", "ex02.contoso.com", "ex03.contoso.com", "ex04.contoso.com", "ex05.contoso.com" };
        foreach (var server in servers)
        {
            await host.Engine.IngestAsync(Storm(server, IncidentKind.TlsHandshakeFailure), None);
            h.Time.Advance(TimeSpan.FromMinutes(5));
        }

        var cards = teams.Requests.Select(TeamsWire.WebhookCard).ToList();
        Assert.All(cards, CardAssert.ValidAgainstSchema);
        var escalations = cards.Where(c => TeamsWire.KindOf(c) == "escalation").ToList();
        Assert.Equal(3, escalations.Count);
        var texts = escalations.Select(c => string.Join('\n', CardAssert.Texts(c).Select(CardAssert.Rendered))).ToList();
        Assert.Contains("ex03.contoso.com", texts[0], StringComparison.Ordinal);
        Assert.Contains("automatic changes stopped", texts[0], StringComparison.Ordinal);
        for (var i = 1; i < 3; i++)
        {
            Assert.Contains(servers[i + 2], texts[i], StringComparison.Ordinal);
            Assert.Contains("this server was held and not changed", texts[i], StringComparison.Ordinal);
            Assert.Contains($"{AnnouncerHost.PublicHost}/api/incidents/ex03.contoso.com/TlsHandshakeFailure",
                string.Join(' ', CardAssert.Urls(escalations[i])), StringComparison.Ordinal);
        }

        var posted = teams.Requests.Count;
        foreach (var server in servers)
        {
            await host.Engine.IngestAsync(Storm(server, IncidentKind.TlsHandshakeFailure), None);
        }

        await host.Engine.IngestAsync(Storm(servers[3], IncidentKind.TlsHandshakeFailure, minute: 30), None);
        await host.Engine.TickAsync(None);

        Assert.Equal(posted, teams.Requests.Count);
        Assert.Equal(0, await UndeliveredAsync(h));
    }

    private static async Task<RecordingHttpServer> Accepting()
    {
        var server = await RecordingHttpServer.StartAsync(https: false);
        server.Fallback = new ScriptedResponse(202);
        return server;
    }

    private static ScriptedResponse Created(string id) => new(201, $$"""
        {"id":"{{id}}","messageType":"message","webUrl":"https://teams.microsoft.com/l/message/{{AnnouncerHost.Channel}}/{{id}}"}
        """);

    private static async Task<List<TableEntity>> RowsAsync(Incidents.EngineHarness h, string prefix)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in h.Incidents.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey gt {prefix} and RowKey lt {prefix + "~"}")))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static async Task<int> CountAsync(Incidents.EngineHarness h, string prefix) => (await RowsAsync(h, prefix)).Count;

    private static async Task<int> UndeliveredAsync(Incidents.EngineHarness h) =>
        (await RowsAsync(h, "notice~")).Count(r => r.GetBoolean("Delivered") != true);
}
