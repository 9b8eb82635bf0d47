using System.Text.Json;
using ImapAutomation.Core.Cards;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Graph.Models;
using Microsoft.Graph.Teamwork.SendActivityNotificationToRecipients;
using Microsoft.Kiota.Abstractions;
using Polly;

namespace ImapAutomation.Core.Teams;

/// <summary>Posts the incident card as a channel message, updates as replies in its thread, and pings approvers' activity feeds.</summary>
internal sealed class GraphTeamsNotifier(TeamsGraphClients clients, IOptions<TeamsOptions> options, ILogger<GraphTeamsNotifier> logger) : ITeamsNotifier
{
    private const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";
    private readonly TeamsOptions _options = options.Value;
    private readonly InFlightPosts _inFlight = new();

    public Task<TeamsPostResult> PostAsync(TeamsNotification notification, IReadOnlyDictionary<string, string> postedMessages, CancellationToken cancellationToken) =>
        _inFlight.RunAsync(notification, postedMessages, () => SendAsync(notification, cancellationToken), key => TeamsLog.AlreadyPosted(logger, key));

    /// <summary>The documented shape: an html body holding <c>&lt;attachment id="X"&gt;</c> and the card as a string in attachment X.</summary>
    internal static ChatMessage Message(TeamsNotification notification, bool isReply)
    {
        var attachmentId = notification.AttachmentId;
        return new ChatMessage
        {
            Subject = isReply ? null : notification.Summary,
            Summary = notification.Summary,
            Body = new ItemBody { ContentType = BodyType.Html, Content = $"<attachment id=\"{attachmentId}\"></attachment>" },
            Attachments =
            [
                new ChatMessageAttachment
                {
                    Id = attachmentId,
                    ContentType = AdaptiveCardContentType,
                    Content = JsonSerializer.Serialize(notification.Card, CardJsonContext.Default.JsonObject),
                },
            ],
        };
    }

    private async Task<TeamsPostResult> SendAsync(TeamsNotification notification, CancellationToken cancellationToken)
    {
        var key = notification.IdempotencyKey;
        var isReply = notification.ThreadMessageId is not null;
        var message = Message(notification, isReply);
        var size = System.Text.Encoding.UTF8.GetByteCount(message.Attachments![0].Content!) + 512;
        if (size > TeamsOptions.MaxMessageBytes)
        {
            throw new TeamsDeliveryException($"The card for {key} makes a {size}-byte message; Teams takes at most {TeamsOptions.MaxMessageBytes}.");
        }

        var channel = clients.Delegated.Teams[_options.TeamId].Channels[_options.ChannelId];
        ChatMessage? posted;
        try
        {
            posted = isReply
                ? await channel.Messages[notification.ThreadMessageId].Replies.PostAsync(message, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await channel.Messages.PostAsync(message, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsDeliveryFailure(ex, cancellationToken))
        {
            var status = (ex as ApiException)?.ResponseStatusCode;
            TeamsLog.Refused(logger, key, TeamsTransport.Graph, status);
            throw new TeamsDeliveryException($"Graph did not post {key} ({(status is null ? ex.GetType().Name : "status " + status)}).", status, ex);
        }

        if (posted?.Id is null)
        {
            throw new TeamsDeliveryException($"Graph accepted {key} but returned no message id.");
        }

        TeamsLog.Posted(logger, key, TeamsTransport.Graph, posted.Id);
        var notified = notification.NotifyApprovers && await NotifyApproversAsync(notification, posted, cancellationToken).ConfigureAwait(false);
        return new TeamsPostResult(key, posted.Id, posted.WebUrl, AlreadyPosted: false, ApproversNotified: notified);
    }

    /// <summary>Best effort after the post: a failed ping must not make the caller post the card again.</summary>
    private async Task<bool> NotifyApproversAsync(TeamsNotification notification, ChatMessage posted, CancellationToken cancellationToken)
    {
        if (_options.ApproverUserIds.Count == 0)
        {
            return false;
        }

        var body = new SendActivityNotificationToRecipientsPostRequestBody
        {
            Topic = new TeamworkActivityTopic { Source = TeamworkActivityTopicSource.Text, Value = notification.Summary, WebUrl = posted.WebUrl },
            ActivityType = _options.ActivityType,
            PreviewText = new ItemBody { Content = notification.Summary },
            Recipients = [.. _options.ApproverUserIds.Select(id => (TeamworkNotificationRecipient)new AadUserNotificationRecipient { UserId = id })],
            TemplateParameters = [new Microsoft.Graph.Models.KeyValuePair { Name = "incidentId", Value = notification.IncidentId }],
        };
        try
        {
            await clients.Application.Teamwork.SendActivityNotificationToRecipients.PostAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (IsDeliveryFailure(ex, cancellationToken))
        {
            TeamsLog.ApproversNotNotified(logger, notification.IdempotencyKey, (ex as ApiException)?.ResponseStatusCode);
            return false;
        }
    }

    private static bool IsDeliveryFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is ApiException or HttpRequestException or ExecutionRejectedException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);
}
