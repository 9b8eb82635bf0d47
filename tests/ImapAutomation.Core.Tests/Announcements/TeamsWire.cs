using System.Text.Json.Nodes;
using ImapAutomation.Core.Tests.Cards;
using ImapAutomation.Testing;

namespace ImapAutomation.Core.Tests.Announcements;

/// <summary>Reads cards back from what a recording Teams endpoint received (shared with the Functions tests).</summary>
internal static class TeamsWire
{
    /// <summary>The card of a Workflows webhook post (the documented envelope with one adaptive attachment).</summary>
    public static JsonObject WebhookCard(RecordedRequest post)
    {
        var envelope = JsonNode.Parse(post.Body)!.AsObject();
        Assert.Equal("message", (string?)envelope["type"]);
        var attachment = Assert.Single(envelope["attachments"]!.AsArray())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)attachment["contentType"]);
        return attachment["content"]!.AsObject();
    }

    /// <summary>The card of a Graph channel message or reply (the card travels as a string in the attachment).</summary>
    public static JsonObject GraphCard(RecordedRequest post) =>
        JsonNode.Parse((string)JsonNode.Parse(post.Body)!["attachments"]![0]!["content"]!)!.AsObject();

    /// <summary>What a card is, told by the words operators see first (its fallback text).</summary>
    public static string KindOf(JsonObject card)
    {
        var fallback = (string?)card["fallbackText"] ?? "";
        if (fallback.StartsWith("Update:", StringComparison.Ordinal))
        {
            return "progress";
        }

        if (fallback.StartsWith("RESOLVED:", StringComparison.Ordinal) || fallback.StartsWith("FIX FAILED:", StringComparison.Ordinal))
        {
            return "result";
        }

        if (fallback.StartsWith("Needs a person:", StringComparison.Ordinal))
        {
            return "escalation";
        }

        return CardAssert.Urls(card).Any(u => u.Contains("/api/approvals/", StringComparison.Ordinal)) ? "approval" : "incident";
    }
}
