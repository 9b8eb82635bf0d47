using System.Text.Json.Nodes;
using ImapAutomation.Core.Tests.Cards;
using ImapAutomation.Functions.Ingest;
using ImapAutomation.Testing;
using Microsoft.AspNetCore.Mvc;

namespace ImapAutomation.Functions.Tests.Announcements;

/// <summary>The app's wiring posts cards for every engine call: the functions themselves hold no card code.</summary>
public sealed class CardPostingTests(FunctionsHarness harness) : IClassFixture<FunctionsHarness>
{
    [Fact]
    public async Task ReceiveEvents_CertificateStorm_PostsOneValidIncidentCardToTheWebhook()
    {
        var body = FunctionsHarness.Sample("events", "exch01-certificate-binding.xml");

        var result = await harness.Get<ReceiveEvents>().Run(FunctionsHarness.Post(body, "application/xml"), CancellationToken.None);
        await harness.Get<ReceiveEvents>().Run(FunctionsHarness.Post(body, "application/xml"), CancellationToken.None);

        Assert.Equal(202, Assert.IsType<ObjectResult>(result).StatusCode);
        var posts = harness.Teams.Requests;
        Assert.NotEmpty(posts);
        Assert.All(posts, post =>
        {
            Assert.Equal("POST", post.Method);
            Assert.Equal("/workflows/incidents?sig=test-secret", post.PathAndQuery);
            Assert.StartsWith("application/json", post.Headers["Content-Type"], StringComparison.Ordinal);
        });
        var cards = posts.Select(Card).ToList();
        Assert.All(cards, CardAssert.ValidAgainstSchema);
        var opened = Assert.Single(cards, c => CardAssert.Texts(c).Any(t => t.Contains("IMAP CERTIFICATE BINDING", StringComparison.Ordinal)));
        Assert.Contains(CardAssert.Texts(opened), t => t.Contains("exch01.contoso.com", StringComparison.Ordinal));
        Assert.Contains(CardAssert.Urls(opened), u => u == $"https://{FunctionsHarness.PublicHost}/api/incidents/exch01.contoso.com/ImapCertificateBinding");
    }

    /// <summary>The documented Workflows envelope: a message with one adaptive-card attachment.</summary>
    private static JsonObject Card(RecordedRequest post)
    {
        var envelope = JsonNode.Parse(post.Body)!.AsObject();
        Assert.Equal("message", (string?)envelope["type"]);
        var attachment = Assert.Single(envelope["attachments"]!.AsArray())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)attachment["contentType"]);
        return attachment["content"]!.AsObject();
    }
}
