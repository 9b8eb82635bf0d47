using System.Text.Json.Nodes;
using ImapAutomation.Core.Cards;
using ImapAutomation.Core.Teams;

namespace ImapAutomation.Core.Tests.Teams;

public sealed class GraphTeamsNotifierTests
{
    private const string Team = "11111111-aaaa-bbbb-cccc-000000000001";
    private const string Channel = "19:incidents@thread.tacv2";
    private const string Group = "22222222-aaaa-bbbb-cccc-000000000002";
    private static readonly Dictionary<string, string> NothingPosted = [];

    private static TeamsTestHost Host(LoopbackHttpServer server) => new(
        new Dictionary<string, string?>
        {
            ["Teams:Transport"] = "Graph",
            ["Teams:GraphBaseUrl"] = new Uri(server.BaseUrl, "v1.0").AbsoluteUri,
            ["Teams:TeamId"] = Team,
            ["Teams:ChannelId"] = Channel,
            ["Teams:OperatorsGroupId"] = Group,
            ["Teams:ApproverUserIds:0"] = "aaaaaaaa-0000-0000-0000-000000000001",
            ["Teams:ApproverUserIds:1"] = "aaaaaaaa-0000-0000-0000-000000000002",
            ["Teams:RetryBaseDelay"] = "00:00:00.050",
        },
        withGraph: true);

    private static ScriptedResponse Created(string id) => new(201, $$"""
        {"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#teams('{{Team}}')/channels('{{Channel}}')/messages/$entity",
         "id":"{{id}}","messageType":"message","webUrl":"https://teams.microsoft.com/l/message/{{Channel}}/{{id}}?groupId={{Team}}"}
        """);

    private static TeamsNotification Opened(bool notify = false) =>
        new(CardSamples.IncidentId, "awaiting-approval:2", CardSamples.Build("incident"), "ex01: approve binding the IMAP certificate", NotifyApprovers: notify);

    [Fact]
    public async Task PostAsync_NewIncident_PostsAChannelMessageWhoseBodyReferencesTheCardAttachment()
    {
        await using var server = new LoopbackHttpServer((_, _) => Created("1764500000001"));
        using var host = Host(server);
        var notification = Opened();

        var result = await host.Notifier.PostAsync(notification, NothingPosted, CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/v1.0/teams/{Team}/channels/{Uri.EscapeDataString(Channel)}/messages", request.PathAndQuery);
        Assert.Equal("Bearer delegated-token", request.Headers["Authorization"]);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("html", (string?)body["body"]!["contentType"]);
        var attachment = Assert.Single(body["attachments"]!.AsArray())!;
        var id = (string)attachment["id"]!;
        Assert.Equal($"<attachment id=\"{id}\"></attachment>", (string?)body["body"]!["content"]);
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)attachment["contentType"]);
        Assert.Equal(System.Text.Json.JsonValueKind.String, attachment["content"]!.GetValueKind());
        Assert.True(JsonNode.DeepEquals(notification.Card, JsonNode.Parse((string)attachment["content"]!)));
        Assert.Equal("1764500000001", result.MessageId);
        Assert.StartsWith("https://teams.microsoft.com/l/message/", result.WebUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostAsync_SameStateRetriedByAnotherProcess_CarriesTheSameAttachmentId()
    {
        await using var server = new LoopbackHttpServer((_, n) => Created("m" + n));
        using var first = Host(server);
        using var second = Host(server);

        await first.Notifier.PostAsync(Opened(), NothingPosted, CancellationToken.None);
        await second.Notifier.PostAsync(Opened(), NothingPosted, CancellationToken.None);

        var ids = server.Requests.Select(r => (string)JsonNode.Parse(r.Body)!["attachments"]![0]!["id"]!).ToList();
        Assert.Equal(ids[0], ids[1]);
        Assert.True(Guid.TryParse(ids[0], out _));
    }

    [Fact]
    public async Task PostAsync_Update_PostsAReplyInTheIncidentThread()
    {
        await using var server = new LoopbackHttpServer((_, _) => Created("1764500000002"));
        using var host = Host(server);
        var update = new TeamsNotification(CardSamples.IncidentId, "running:2", CardSamples.Build("progress"), "ex01: step 2 running", ThreadMessageId: "1764500000001");

        var result = await host.Notifier.PostAsync(update, NothingPosted, CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal($"/v1.0/teams/{Team}/channels/{Uri.EscapeDataString(Channel)}/messages/1764500000001/replies", request.PathAndQuery);
        Assert.Null(JsonNode.Parse(request.Body)!["subject"]);
        Assert.Equal("1764500000002", result.MessageId);
    }

    [Fact]
    public async Task PostAsync_ApprovalNeeded_NotifiesEachApproverAsTheApp()
    {
        await using var server = new LoopbackHttpServer((r, _) => r.PathAndQuery.Contains("sendActivityNotification", StringComparison.Ordinal)
            ? new ScriptedResponse(204)
            : Created("1764500000003"));
        using var host = Host(server);

        var result = await host.Notifier.PostAsync(Opened(notify: true), NothingPosted, CancellationToken.None);

        Assert.True(result.ApproversNotified);
        Assert.Equal(2, server.Requests.Count);
        var ping = server.Requests[1];
        Assert.Equal("/v1.0/teamwork/sendActivityNotificationToRecipients", ping.PathAndQuery);
        Assert.Equal("Bearer app-token", ping.Headers["Authorization"]);
        var body = JsonNode.Parse(ping.Body)!;
        Assert.Equal("approvalRequired", (string?)body["activityType"]);
        Assert.Equal("text", (string?)body["topic"]!["source"]);
        Assert.Equal(result.WebUrl, (string?)body["topic"]!["webUrl"]);
        var recipients = body["recipients"]!.AsArray();
        Assert.Equal(["aaaaaaaa-0000-0000-0000-000000000001", "aaaaaaaa-0000-0000-0000-000000000002"], recipients.Select(r => (string)r!["userId"]!));
        Assert.All(recipients, r => Assert.Equal("#microsoft.graph.aadUserNotificationRecipient", (string?)r!["@odata.type"]));
    }

    [Fact]
    public async Task PostAsync_ActivityNotificationRefused_StillReturnsThePostedMessage()
    {
        await using var server = new LoopbackHttpServer((r, _) => r.PathAndQuery.Contains("sendActivityNotification", StringComparison.Ordinal)
            ? new ScriptedResponse(403, """{"error":{"code":"Forbidden","message":"App not installed"}}""")
            : Created("1764500000004"));
        using var host = Host(server);

        var result = await host.Notifier.PostAsync(Opened(notify: true), NothingPosted, CancellationToken.None);

        Assert.Equal("1764500000004", result.MessageId);
        Assert.False(result.ApproversNotified);
    }

    [Fact]
    public async Task PostAsync_Graph429WithRetryAfter_WaitsAndRetries()
    {
        await using var server = new LoopbackHttpServer((_, n) => n == 1
            ? new ScriptedResponse(429, """{"error":{"code":"TooManyRequests","message":"slow down"}}""", new Dictionary<string, string> { ["Retry-After"] = "1" })
            : Created("1764500000005"));
        using var host = Host(server);

        var result = await host.Notifier.PostAsync(Opened(), NothingPosted, CancellationToken.None);

        Assert.Equal("1764500000005", result.MessageId);
        Assert.Equal(2, server.Requests.Count);
        Assert.True(server.Requests[1].At - server.Requests[0].At >= TimeSpan.FromMilliseconds(900), "The retry did not wait for Retry-After.");
    }

    [Fact]
    public async Task PostAsync_Forbidden_ThrowsDeliveryErrorWithTheStatus()
    {
        await using var server = new LoopbackHttpServer((_, _) => new ScriptedResponse(403, """{"error":{"code":"Forbidden","message":"Missing ChannelMessage.Send"}}"""));
        using var host = Host(server);

        var error = await Assert.ThrowsAsync<TeamsDeliveryException>(() => host.Notifier.PostAsync(Opened(), NothingPosted, CancellationToken.None));

        Assert.Equal(403, error.StatusCode);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("""{"value":["22222222-aaaa-bbbb-cccc-000000000002"]}""", true)]
    [InlineData("""{"value":[]}""", false)]
    public async Task IsOperatorAsync_AsksGraphForTransitiveGroupMembership(string response, bool expected)
    {
        await using var server = new LoopbackHttpServer((_, _) => new ScriptedResponse(200, response));
        using var host = Host(server);

        var isOperator = await host.Approvers.IsOperatorAsync("dana@contoso.com", CancellationToken.None);

        Assert.Equal(expected, isOperator);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1.0/users/dana%40contoso.com/checkMemberGroups", request.PathAndQuery);
        Assert.Equal("Bearer app-token", request.Headers["Authorization"]);
        Assert.Equal(Group, (string?)JsonNode.Parse(request.Body)!["groupIds"]![0]);
    }

    [Theory]
    [InlineData("../groups/x")]
    [InlineData("dana?$select=id")]
    [InlineData("dana\u0000")]
    public async Task IsOperatorAsync_IdThatCouldReshapeTheRequest_IsRejectedBeforeSending(string userId)
    {
        await using var server = new LoopbackHttpServer((_, _) => new ScriptedResponse(200, """{"value":[]}"""));
        using var host = Host(server);

        await Assert.ThrowsAsync<ArgumentException>(() => host.Approvers.IsOperatorAsync(userId, CancellationToken.None));

        Assert.Empty(server.Requests);
    }
}
