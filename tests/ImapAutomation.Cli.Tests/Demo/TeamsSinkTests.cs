using System.Net;
using System.Text;
using ImapAutomation.Cli.Demo;

namespace ImapAutomation.Cli.Tests.Demo;

/// <summary>The demo's local Teams Workflows stand-in: the documented envelope is kept, anything else is refused with a reason.</summary>
public sealed class TeamsSinkTests : IAsyncLifetime
{
    private const string Card = """{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"IMAP on ex01 has no certificate"}]}""";
    private readonly string _folder = Directory.CreateTempSubdirectory("imapauto-sink-").FullName;
    private TeamsSink _sink = null!;

    public Task InitializeAsync()
    {
        _sink = TeamsSink.Start(_folder);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _sink.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Post_WorkflowsEnvelope_Returns202AndKeepsTheCard()
    {
        var posted = new List<PostedCard>();
        _sink.CardPosted += posted.Add;

        using var response = await PostAsync(_sink.Url, Envelope(Card));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var card = Assert.Single(_sink.Cards);
        Assert.Equal("IMAP on ex01 has no certificate", card.Headline);
        Assert.Equal("AdaptiveCard", (string?)System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(card.JsonPath))!["type"]);
        Assert.Single(posted);
        Assert.Empty(_sink.Refusals);
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("""{"type":"message","attachments":[]}""", "not a Workflows message")]
    [InlineData("""{"type":"message","attachments":[{"contentType":"text/html","content":{"type":"AdaptiveCard"}}]}""", "not a Workflows message")]
    [InlineData("""{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{"type":"HeroCard"}}]}""", "not a Workflows message")]
    public async Task Post_NotTheEnvelope_Returns400WithTheReasonAndKeepsNothing(string body, string reason)
    {
        using var response = await PostAsync(_sink.Url, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_sink.Cards);
    }

    [Fact]
    public async Task Post_WithoutTheSecretPath_Returns401()
    {
        using var response = await PostAsync(new Uri(_sink.Url, "/workflows/guessed"), Envelope(Card));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_sink.Cards);
    }

    [Fact]
    public async Task Post_Oversized_Returns413()
    {
        var huge = Envelope($$"""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"{{new string('x', 70_000)}}"}]}""");

        using var response = await PostAsync(_sink.Url, huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(_sink.Cards);
    }

    private static string Envelope(string card) =>
        $$"""{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","contentUrl":null,"content":{{card}}}]}""";

    private static async Task<HttpResponseMessage> PostAsync(Uri url, string body)
    {
        using var http = new HttpClient();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await http.PostAsync(url, content);
    }
}
