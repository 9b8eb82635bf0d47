using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImapAutomation.LocalParts.Http;

namespace ImapAutomation.Cli.Demo;

/// <summary>A card the sink accepted: where its JSON (and, once drawn, its PNG) is, and when it arrived.</summary>
internal sealed record PostedCard(int Number, DateTimeOffset At, long Timestamp, string JsonPath, JsonObject Card)
{
    public string? PngPath { get; set; }

    /// <summary>The card's first text block, for the timeline.</summary>
    public string Headline => Card["body"]?.AsArray().Select(FirstText).FirstOrDefault(t => t is not null) ?? "(no text)";

    private static string? FirstText(JsonNode? element) => element switch
    {
        JsonObject o when (string?)o["type"] == "TextBlock" => (string?)o["text"],
        JsonObject o => (o["items"] as JsonArray)?.Select(FirstText).FirstOrDefault(t => t is not null)
            ?? (o["columns"] as JsonArray)?.Select(FirstText).FirstOrDefault(t => t is not null),
        _ => null,
    };
}

/// <summary>
/// A local stand-in for a Teams Workflows "post to a channel when a webhook request is received" URL: accepts the
/// documented body (<c>{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{...}}]}</c>)
/// on loopback, answers 202 as Workflows does, and keeps every card as JSON. The URL carries a random secret, as a
/// real Workflows URL carries its signature; a post without it is refused.
/// </summary>
internal sealed class TeamsSink : IAsyncDisposable
{
    private const int MaxBodyBytes = 64 * 1024;
    private const string AdaptiveCardType = "application/vnd.microsoft.card.adaptive";

    private readonly LoopbackHttpListener _listener;
    private readonly string _folder;
    private readonly string _secretPath;
    private readonly List<PostedCard> _cards = [];
    private readonly List<string> _refusals = [];

    private TeamsSink(string folder)
    {
        _folder = folder;
        _secretPath = "/workflows/" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _listener = LoopbackHttpListener.Start(AnswerAsync);
        Url = new Uri(_listener.BaseUrl, _secretPath);
    }

    /// <summary>The webhook URL to configure as <c>Teams:WebhookUrl</c>.</summary>
    public Uri Url { get; }

    public event Action<PostedCard>? CardPosted;

    public IReadOnlyList<PostedCard> Cards
    {
        get
        {
            lock (_cards)
            {
                return [.. _cards];
            }
        }
    }

    /// <summary>Posts the sink refused, with the reason (none in a healthy run).</summary>
    public IReadOnlyList<string> Refusals
    {
        get
        {
            lock (_cards)
            {
                return [.. _refusals];
            }
        }
    }

    public static TeamsSink Start(string dataFolder) =>
        new(Directory.CreateDirectory(Path.Combine(dataFolder, "cards")).FullName);

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var (status, reason) = await AcceptAsync(context.Request).ConfigureAwait(false);
        context.Response.StatusCode = status;
        if (reason is not null)
        {
            lock (_cards)
            {
                _refusals.Add(reason);
            }

            var bytes = System.Text.Encoding.UTF8.GetBytes(reason);
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        }
    }

    private async Task<(int Status, string? Reason)> AcceptAsync(HttpListenerRequest request)
    {
        if (request.HttpMethod != "POST" || request.Url?.AbsolutePath != _secretPath)
        {
            return (request.HttpMethod != "POST" ? 405 : 401, $"{request.HttpMethod} {request.Url?.AbsolutePath}: only POST to the webhook URL is accepted");
        }

        if (request.ContentLength64 > MaxBodyBytes)
        {
            return (413, $"body of {request.ContentLength64} bytes; at most {MaxBodyBytes}");
        }

        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer).ConfigureAwait(false);
        if (buffer.Length > MaxBodyBytes)
        {
            return (413, $"body of {buffer.Length} bytes; at most {MaxBodyBytes}");
        }

        JsonNode? body;
        try
        {
            body = JsonNode.Parse(buffer.ToArray());
        }
        catch (JsonException ex)
        {
            return (400, $"body is not JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine})");
        }

        if (body is not JsonObject message || (string?)message["type"] != "message"
            || message["attachments"] is not JsonArray { Count: 1 } attachments
            || attachments[0] is not JsonObject attachment
            || (string?)attachment["contentType"] != AdaptiveCardType
            || attachment["content"] is not JsonObject card || (string?)card["type"] != "AdaptiveCard")
        {
            return (400, "body is not a Workflows message: type \"message\" with one attachment of contentType " + AdaptiveCardType + " holding an AdaptiveCard");
        }

        PostedCard posted;
        lock (_cards)
        {
            var number = _cards.Count + 1;
            var path = Path.Combine(_folder, string.Create(CultureInfo.InvariantCulture, $"card-{number:D2}.json"));
            File.WriteAllText(path, card.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            posted = new PostedCard(number, DateTimeOffset.UtcNow, System.Diagnostics.Stopwatch.GetTimestamp(), path, (JsonObject)card.DeepClone());
            _cards.Add(posted);
        }

        CardPosted?.Invoke(posted);
        return (202, null);
    }
}
