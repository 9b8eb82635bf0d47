using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImapAutomation.Core.Cards;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace ImapAutomation.Core.Teams;

/// <summary>Posts cards to a Teams Workflows webhook in the documented envelope (<c>type: message</c>, one adaptive attachment).</summary>
internal sealed class WebhookTeamsNotifier(HttpClient http, IOptions<TeamsOptions> options, ILogger<WebhookTeamsNotifier> logger) : ITeamsNotifier
{
    private const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";
    private readonly Uri _url = options.Value.WebhookUrl ?? throw new InvalidOperationException("Teams:WebhookUrl is not set.");
    private readonly InFlightPosts _inFlight = new();

    public Task<TeamsPostResult> PostAsync(TeamsNotification notification, IReadOnlyDictionary<string, string> postedMessages, CancellationToken cancellationToken) =>
        _inFlight.RunAsync(notification, postedMessages, () => SendAsync(notification, cancellationToken), key => TeamsLog.AlreadyPosted(logger, key));

    internal static byte[] Envelope(JsonObject card)
    {
        var envelope = new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["contentType"] = AdaptiveCardContentType,
                ["contentUrl"] = null,
                ["content"] = card.DeepClone(),
            }),
        };
        return JsonSerializer.SerializeToUtf8Bytes(envelope, CardJsonContext.Default.JsonObject);
    }

    private async Task<TeamsPostResult> SendAsync(TeamsNotification notification, CancellationToken cancellationToken)
    {
        var key = notification.IdempotencyKey;
        var body = Envelope(notification.Card);
        if (body.Length > TeamsOptions.MaxMessageBytes)
        {
            throw new TeamsDeliveryException(
                $"The card for {key} is {body.Length} bytes in its webhook envelope; Teams takes at most {TeamsOptions.MaxMessageBytes}. Build it with a smaller Cards:MaxCardBytes.");
        }

        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(_url, content, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or ExecutionRejectedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            TeamsLog.Refused(logger, key, TeamsTransport.Webhook, null);
            throw new TeamsDeliveryException($"The Teams webhook could not be reached for {key} after retries ({ex.GetType().Name}).", null, ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                TeamsLog.Refused(logger, key, TeamsTransport.Webhook, status);
                throw new TeamsDeliveryException($"The Teams webhook refused {key} with status {status} {response.ReasonPhrase}.", status);
            }
        }

        TeamsLog.Posted(logger, key, TeamsTransport.Webhook, null);
        return new TeamsPostResult(key, MessageId: null, WebUrl: null, AlreadyPosted: false);
    }
}
