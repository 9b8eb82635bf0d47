using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ImapAutomation.Core.Teams;

/// <summary>One card to post for one incident state change.</summary>
/// <param name="IncidentId">The incident the card is about.</param>
/// <param name="State">The state change the card reports (e.g. <c>opened</c>, <c>awaiting-approval:2</c>, <c>resolved</c>); one post per state.</param>
/// <param name="Card">The Adaptive Card from one of the card builders.</param>
/// <param name="Summary">Plain text for notifications and previews (no event text: it is not escaped).</param>
/// <param name="ThreadMessageId">The incident's first message, when this is an update to post as a reply (Graph only).</param>
/// <param name="NotifyApprovers">Send the on-call approvers an activity-feed notification (Graph only).</param>
public sealed record TeamsNotification(
    string IncidentId,
    string State,
    JsonObject Card,
    string Summary,
    string? ThreadMessageId = null,
    bool NotifyApprovers = false)
{
    /// <summary>The idempotency key: the incident keeps the keys it has posted, with their message ids.</summary>
    public string IdempotencyKey => $"{IncidentId}/{State}";

    /// <summary>Deterministic per key, so a retried post carries the same attachment id as the first.</summary>
    internal string AttachmentId => new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(IdempotencyKey)).AsSpan(0, 16)).ToString("D");
}

/// <summary>What was posted: the caller stores <see cref="IdempotencyKey"/> with <see cref="MessageId"/> on the incident.</summary>
/// <param name="IdempotencyKey">The incident/state key this post answers.</param>
/// <param name="MessageId">The Teams message id (Graph), or null for a Workflows webhook, which returns none.</param>
/// <param name="WebUrl">A link to the message in Teams (Graph).</param>
/// <param name="AlreadyPosted">True when the incident had already recorded this key and nothing was sent.</param>
/// <param name="ApproversNotified">True when an activity-feed notification went to the approvers.</param>
public sealed record TeamsPostResult(
    string IdempotencyKey,
    string? MessageId,
    string? WebUrl,
    bool AlreadyPosted,
    bool ApproversNotified = false);

/// <summary>Posts incident cards to Teams; chosen by <see cref="TeamsOptions.Transport"/>.</summary>
public interface ITeamsNotifier
{
    /// <summary>Posts the card unless <paramref name="postedMessages"/> (the incident's key to message id map) already has its key.</summary>
    /// <exception cref="TeamsDeliveryException">Teams refused the message or kept failing after the retries; nothing is recorded as posted.</exception>
    Task<TeamsPostResult> PostAsync(TeamsNotification notification, IReadOnlyDictionary<string, string> postedMessages, CancellationToken cancellationToken);
}

/// <summary>Teams did not take a message. The text says what failed and the status, never the webhook URL.</summary>
public sealed class TeamsDeliveryException : Exception
{
    public TeamsDeliveryException()
    {
    }

    public TeamsDeliveryException(string message)
        : base(message)
    {
    }

    public TeamsDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TeamsDeliveryException(string message, int? statusCode, Exception? innerException = null)
        : base(message, innerException) => StatusCode = statusCode;

    public int? StatusCode { get; }
}
