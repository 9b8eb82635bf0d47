using System.Text.Json.Nodes;
using ImapAutomation.Core.Cards;
using ImapAutomation.Core.Teams;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Core.Tests.Teams;

public sealed class WebhookTeamsNotifierTests
{
    private const string SecretPath = "workflows/abc/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sig=S3cr3tSignature";
    private static readonly Dictionary<string, string> NothingPosted = [];

    private static TeamsNotification Notification(string state = "opened") =>
        new(CardSamples.IncidentId, state, CardSamples.Build("incident", "1.4"), "ex01: IMAP certificate binding");

    private static TeamsTestHost Host(LoopbackHttpServer server, int maxRetries = 3) => new(new Dictionary<string, string?>
    {
        ["Teams:Transport"] = "Webhook",
        ["Teams:WebhookUrl"] = new Uri(server.BaseUrl, SecretPath).AbsoluteUri,
        ["Teams:MaxRetries"] = maxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Teams:RetryBaseDelay"] = "00:00:00.050",
    });

    [Fact]
    public async Task PostAsync_NewState_PostsTheDocumentedEnvelopeToTheWebhook()
    {
        await using var server = new LoopbackHttpServer((_, _) => new ScriptedResponse(202));
        using var host = Host(server);
        var notification = Notification();

        var result = await host.Notifier.PostAsync(notification, NothingPosted, CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/" + SecretPath, request.PathAndQuery);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("message", (string?)body["type"]);
        var attachment = Assert.Single(body["attachments"]!.AsArray())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)attachment["contentType"]);
        Assert.True(attachment.AsObject().ContainsKey("contentUrl"));
        Assert.Null(attachment["contentUrl"]);
        Assert.True(JsonNode.DeepEquals(notification.Card, attachment["content"]));
        Assert.Equal($"{CardSamples.IncidentId}/opened", result.IdempotencyKey);
        Assert.False(result.AlreadyPosted);
        Assert.Null(result.MessageId);
    }

    [Fact]
    public async Task PostAsync_429WithRetryAfter_WaitsAsToldAndRetries()
    {
        await using var server = new LoopbackHttpServer((_, n) => n == 1
            ? new ScriptedResponse(429, Headers: new Dictionary<string, string> { ["Retry-After"] = "1" })
            : new ScriptedResponse(202));
        using var host = Host(server);

        var result = await host.Notifier.PostAsync(Notification(), NothingPosted, CancellationToken.None);

        Assert.False(result.AlreadyPosted);
        Assert.Equal(2, server.Requests.Count);
        Assert.True(server.Requests[1].At - server.Requests[0].At >= TimeSpan.FromMilliseconds(900), "The retry did not wait for Retry-After.");
        Assert.Equal(server.Requests[0].Body, server.Requests[1].Body);
    }

    [Fact]
    public async Task PostAsync_TransientServerErrors_AreRetriedUntilAccepted()
    {
        await using var server = new LoopbackHttpServer((_, n) => n <= 2 ? new ScriptedResponse(503) : new ScriptedResponse(202));
        using var host = Host(server);

        await host.Notifier.PostAsync(Notification(), NothingPosted, CancellationToken.None);

        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task PostAsync_KeepsFailing_ThrowsWithStatusAndNeverLogsTheSecretUrl()
    {
        await using var server = new LoopbackHttpServer((_, _) => new ScriptedResponse(500));
        using var host = Host(server, maxRetries: 2);

        var error = await Assert.ThrowsAsync<TeamsDeliveryException>(() => host.Notifier.PostAsync(Notification(), NothingPosted, CancellationToken.None));

        Assert.Equal(500, error.StatusCode);
        Assert.Equal(3, server.Requests.Count);
        Assert.DoesNotContain("S3cr3t", error.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(host.LogLines);
        Assert.All(host.LogLines, line => Assert.DoesNotContain("S3cr3t", line, StringComparison.Ordinal));
        Assert.All(host.LogLines, line => Assert.DoesNotContain("workflows/abc", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostAsync_BadRequest_IsNotRetried()
    {
        await using var server = new LoopbackHttpServer((_, _) => new ScriptedResponse(400, "{\"error\":\"bad card\"}"));
        using var host = Host(server);

        var error = await Assert.ThrowsAsync<TeamsDeliveryException>(() => host.Notifier.PostAsync(Notification(), NothingPosted, CancellationToken.None));

        Assert.Equal(400, error.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task PostAsync_StateTheIncidentAlreadyRecorded_SendsNothing()
    {
        await using var server = new LoopbackHttpServer((_, _) => new ScriptedResponse(202));
        using var host = Host(server);
        var notification = Notification("resolved");

        var result = await host.Notifier.PostAsync(notification, new Dictionary<string, string> { [notification.IdempotencyKey] = string.Empty }, CancellationToken.None);

        Assert.True(result.AlreadyPosted);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task PostAsync_SameStateTwiceAtOnce_PostsOnce()
    {
        var release = new TaskCompletionSource();
        await using var server = new LoopbackHttpServer((_, _) =>
        {
            release.Task.Wait(TimeSpan.FromSeconds(5));
            return new ScriptedResponse(202);
        });
        using var host = Host(server);

        var first = host.Notifier.PostAsync(Notification(), NothingPosted, CancellationToken.None);
        var second = host.Notifier.PostAsync(Notification(), NothingPosted, CancellationToken.None);
        release.SetResult();
        await Task.WhenAll(first, second);

        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task PostAsync_CardOverTheTeamsLimit_IsRefusedBeforeSending()
    {
        await using var server = new LoopbackHttpServer((_, _) => new ScriptedResponse(202));
        using var host = Host(server);
        var card = CardSamples.Build("incident");
        card["fallbackText"] = new string('x', 30 * 1024);

        var error = await Assert.ThrowsAsync<TeamsDeliveryException>(() =>
            host.Notifier.PostAsync(Notification() with { Card = card }, NothingPosted, CancellationToken.None));

        Assert.Contains("at most 28672", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("http://teams.example/hook")]
    [InlineData("")]
    public void Options_WebhookUrlNotHttps_FailsValidationWithoutEchoingIt(string url)
    {
        using var host = new TeamsTestHost(new Dictionary<string, string?> { ["Teams:WebhookUrl"] = url.Length == 0 ? null : url });

        var error = Assert.Throws<OptionsValidationException>(() => host.Notifier);

        Assert.Contains("WebhookUrl", error.Message, StringComparison.Ordinal);
        if (url.Length > 0)
        {
            Assert.DoesNotContain(url, error.Message, StringComparison.Ordinal);
        }
    }
}
