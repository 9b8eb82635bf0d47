using ImapAutomation.Core.Tests.Announcements;
using ImapAutomation.Core.Tests.Cards;
using ImapAutomation.Functions.Incidents;
using ImapAutomation.Functions.Ingest;
using ImapAutomation.Functions.Tests.Approvals;
using ImapAutomation.Testing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ImapAutomation.Functions.Tests.Announcements;

/// <summary>The app's wiring posts cards for every engine call: the functions themselves hold no card code.</summary>
public sealed class CardPostingTests(FunctionsHarness harness) : IClassFixture<FunctionsHarness>
{
    [Fact]
    public async Task ReceiveEvents_CertificateStorm_PostsOneValidIncidentCardToTheWebhook()
    {
        var body = FunctionsHarness.Sample("events", "exch01-certificate-binding.xml");
        var before = harness.Teams.Requests.Count;

        var result = await harness.Get<ReceiveEvents>().Run(FunctionsHarness.Post(body, "application/xml"), CancellationToken.None);
        await harness.Get<ReceiveEvents>().Run(FunctionsHarness.Post(body, "application/xml"), CancellationToken.None);

        Assert.Equal(202, Assert.IsType<ObjectResult>(result).StatusCode);
        var posts = harness.Teams.Requests.Skip(before).ToList();
        Assert.All(posts, post =>
        {
            Assert.Equal("POST", post.Method);
            Assert.Equal("/workflows/incidents?sig=test-secret", post.PathAndQuery);
            Assert.StartsWith("application/json", post.Headers["Content-Type"], StringComparison.Ordinal);
        });
        var cards = posts.Select(TeamsWire.WebhookCard).ToList();
        Assert.All(cards, CardAssert.ValidAgainstSchema);
        Assert.Equal(["incident", "progress"], cards.Select(TeamsWire.KindOf));
        Assert.Contains(CardAssert.Texts(cards[0]), t => t.Contains("exch01.contoso.com", StringComparison.Ordinal));
        Assert.Contains(CardAssert.Urls(cards[0]), u => u == $"https://{FunctionsHarness.PublicHost}/api/incidents/exch01.contoso.com/ImapCertificateBinding");
    }

    [Fact]
    public async Task TickIncidents_AfterATeamsOutage_PostsTheWaitingCardsOnce()
    {
        var body = FunctionsHarness.Sample("events", "exch02-tls-handshake.xml");
        harness.Teams.Fallback = new ScriptedResponse(503);
        try
        {
            var accepted = await harness.Get<ReceiveEvents>().Run(FunctionsHarness.Post(body, "application/xml"), CancellationToken.None);
            Assert.Equal(202, Assert.IsType<ObjectResult>(accepted).StatusCode);
        }
        finally
        {
            harness.Teams.Fallback = new ScriptedResponse(202);
        }

        var before = harness.Teams.Requests.Count;
        await harness.Get<TickIncidents>().Run(new TimerInfo(), CancellationToken.None);
        await harness.Get<TickIncidents>().Run(new TimerInfo(), CancellationToken.None);

        var cards = harness.Teams.Requests.Skip(before).Select(TeamsWire.WebhookCard).ToList();
        Assert.Equal(["incident", "progress"], cards.Select(TeamsWire.KindOf));
        Assert.All(cards, card => Assert.Contains(CardAssert.Texts(card), t => t.Contains("exch02.contoso.com", StringComparison.Ordinal)));
    }
}

/// <summary>The approval card's link, followed to the Approvals function: the page shows, an approver approves, the next card follows.</summary>
public sealed class ApprovalCardTests(ApprovalHarness harness) : IClassFixture<ApprovalHarness>
{
    [Fact]
    public async Task ReceiveEvents_StepNeedsApproval_CardLinkOpensTheApprovalPageAndApprovingPostsTheNextCard()
    {
        await harness.AwaitingApprovalAsync("exch03.contoso.com");

        var approval = harness.Teams.Requests.Select(TeamsWire.WebhookCard).Last(c => TeamsWire.KindOf(c) == "approval");
        CardAssert.ValidAgainstSchema(approval);
        var link = new Uri(CardAssert.Urls(approval).First(u => u.EndsWith("?decision=approve", StringComparison.Ordinal)));
        Assert.Equal(FunctionsHarness.PublicHost, link.Host);
        var token = Uri.UnescapeDataString(link.AbsolutePath["/api/approvals/".Length..]);
        var page = Assert.IsType<ContentResult>(await harness.RunApprovalsAsync("GET", token));
        Assert.Equal(200, page.StatusCode);
        var before = harness.Teams.Requests.Count;

        var approved = Assert.IsType<ContentResult>(await harness.RunApprovalsAsync("POST", token, ApprovalHarness.Approver, "approve"));

        Assert.Equal(200, approved.StatusCode);
        var next = TeamsWire.WebhookCard(Assert.Single(harness.Teams.Requests.Skip(before)));
        Assert.Equal("progress", TeamsWire.KindOf(next));
        CardAssert.ValidAgainstSchema(next);
    }
}
