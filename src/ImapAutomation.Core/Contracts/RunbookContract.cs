using System.Text;
using System.Text.Json;

namespace ImapAutomation.Core.Contracts;

/// <summary>The outcome of reading a contract message: the value, or the reason it was refused.</summary>
public sealed record ContractParse<T>(T? Value, string? Reason)
    where T : class
{
    public bool IsValid => Value is not null;
}

/// <summary>Reads and writes the queue contract. Reading never throws on bad input: it returns a reason.</summary>
public static class RunbookContract
{
    /// <summary>A queue message is at most 64 KiB, and base64 costs a third: refuse anything larger than 48 KiB.</summary>
    public const int MaxMessageBytes = 48 * 1024;

    public static string Serialize(RunbookRequest request) =>
        JsonSerializer.Serialize(request, ContractJsonContext.Default.RunbookRequest);

    public static string Serialize(RunbookResult result) =>
        JsonSerializer.Serialize(result, ContractJsonContext.Default.RunbookResult);

    public static ContractParse<RunbookRequest> ParseRequest(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var reason = CheckEnvelope(json, RunbookRequest.CurrentSchemaVersion, "request");
        if (reason is not null)
        {
            return new(null, reason);
        }

        try
        {
            var request = JsonSerializer.Deserialize(json, ContractJsonContext.Default.RunbookRequest);
            return request is null ? new(null, "request: the message is JSON null") : new(request, null);
        }
        catch (JsonException ex)
        {
            return new(null, $"request: invalid at {ex.Path ?? "$"}: {FirstLine(ex.Message)}");
        }
    }

    public static ContractParse<RunbookResult> ParseResult(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var reason = CheckEnvelope(json, RunbookResult.CurrentSchemaVersion, "result");
        if (reason is not null)
        {
            return new(null, reason);
        }

        RunbookResult? result;
        try
        {
            result = JsonSerializer.Deserialize(json, ContractJsonContext.Default.RunbookResult);
        }
        catch (JsonException ex)
        {
            return new(null, $"result: invalid at {ex.Path ?? "$"}: {FirstLine(ex.Message)}");
        }

        if (result is null)
        {
            return new(null, "result: the message is JSON null");
        }

        if (!RunbookRequestIds.IsWellFormed(result.RequestId))
        {
            return new(null, "result: requestId is not a 32-digit lowercase hex request id");
        }

        // The JSON reader does not enforce the non-nullable annotations: a producer that omits a stream is named here.
        if (result.Output is null || result.Error is null)
        {
            return new(null, "result: output and error are required (empty strings when a stream is empty)");
        }

        if (result.Output.Length > RunbookResult.MaxStreamChars || result.Error.Length > RunbookResult.MaxStreamChars)
        {
            return new(null, $"result: output or error stream is longer than {RunbookResult.MaxStreamChars} characters");
        }

        if (StateLength(result.BeforeState) > RunbookResult.MaxStateChars || StateLength(result.AfterState) > RunbookResult.MaxStateChars)
        {
            return new(null, $"result: beforeState or afterState is longer than {RunbookResult.MaxStateChars} characters");
        }

        return result.CompletedAt < result.StartedAt
            ? new(null, "result: completedAt is before startedAt")
            : new(result, null);
    }

    /// <summary>Size, shape and schema version are checked before the typed read, so the reason names the real problem.</summary>
    private static string? CheckEnvelope(string json, int supportedVersion, string what)
    {
        if (Encoding.UTF8.GetByteCount(json) > MaxMessageBytes)
        {
            return $"{what}: message is larger than {MaxMessageBytes} bytes";
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return $"{what}: the message is not a JSON object";
            }

            if (!document.RootElement.TryGetProperty("schemaVersion", out var version))
            {
                return $"{what}: schemaVersion is missing";
            }

            if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var number))
            {
                return $"{what}: schemaVersion is not an integer";
            }

            return number == supportedVersion
                ? null
                : $"{what}: unsupported schemaVersion {number} (this build reads {supportedVersion})";
        }
        catch (JsonException ex)
        {
            return $"{what}: not valid JSON: {FirstLine(ex.Message)}";
        }
    }

    private static int StateLength(JsonElement? state) => state is { } element ? element.GetRawText().Length : 0;

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
