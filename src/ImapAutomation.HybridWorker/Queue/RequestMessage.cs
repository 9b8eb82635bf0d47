using System.Text;
using System.Text.Json;
using ImapAutomation.Core.Contracts;

namespace ImapAutomation.HybridWorker.Queue;

/// <summary>
/// The first look at a message: its JSON text and request id, or why it cannot be read at all. Requests are plain JSON
/// (<c>messageEncoding: none</c>); base64 of the same JSON is also accepted, since senders using the SDK's
/// <c>QueueMessageEncoding.Base64</c> produce it. A message with no readable request id cannot be answered (the cloud
/// matches results by that id), so it is not answered: it goes to the poison queue.
/// </summary>
internal sealed record RequestMessage(string? Json, string? RequestId, string? Problem)
{
    public bool IsReadable => Problem is null;

    public static RequestMessage Read(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var text = body.TrimStart();
        if (!text.StartsWith('{'))
        {
            var decoded = TryBase64(text);
            if (decoded is null)
            {
                return new(null, null, "the message is neither JSON nor base64 of JSON");
            }

            text = decoded;
        }

        if (Encoding.UTF8.GetByteCount(text) > RunbookContract.MaxMessageBytes)
        {
            return new(null, null, $"the message is larger than {RunbookContract.MaxMessageBytes} bytes");
        }

        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("requestId", out var id) || id.ValueKind != JsonValueKind.String)
            {
                return new(text, null, "the message has no requestId");
            }

            var requestId = id.GetString();
            return RunbookRequestIds.IsWellFormed(requestId)
                ? new(text, requestId, null)
                : new(text, null, "requestId is not a 32-digit lowercase hex request id");
        }
        catch (JsonException ex)
        {
            return new(null, null, $"the message is not JSON: {ex.Message.Split('\n')[0]}");
        }
    }

    private static string? TryBase64(string text)
    {
        var buffer = new byte[text.Length];
        if (text.Length == 0 || !Convert.TryFromBase64String(text, buffer, out var written))
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
