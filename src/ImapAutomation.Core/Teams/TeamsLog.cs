using Microsoft.Extensions.Logging;

namespace ImapAutomation.Core.Teams;

/// <summary>Delivery log lines. They carry keys, ids and status codes only: never a webhook URL or card text.</summary>
internal static partial class TeamsLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Posted {IdempotencyKey} to Teams through {Transport} (message {MessageId}).")]
    public static partial void Posted(ILogger logger, string idempotencyKey, TeamsTransport transport, string? messageId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Skipped {IdempotencyKey}: the incident already records it as posted.")]
    public static partial void AlreadyPosted(ILogger logger, string idempotencyKey);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Teams refused {IdempotencyKey} through {Transport} with status {StatusCode}.")]
    public static partial void Refused(ILogger logger, string idempotencyKey, TeamsTransport transport, int? statusCode);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Approvers were not notified of {IdempotencyKey} (status {StatusCode}); the card itself was posted.")]
    public static partial void ApproversNotNotified(ILogger logger, string idempotencyKey, int? statusCode);
}
