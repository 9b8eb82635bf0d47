using System.Globalization;
using System.Text.Json;

namespace ImapAutomation.Core.Contracts;

/// <summary>
/// The bytes a result signature covers: every field but the signature, in a fixed order, times in UTC with 7
/// fractional digits, states re-encoded from their JSON values. It opens with its own tag
/// (<c>imapauto-runbook-result</c>, where a request's opens with <c>imapauto-runbook-request</c>), so no request's
/// canonical bytes are ever a result's: a request signature can never verify as a result signature, or the reverse.
/// </summary>
public static class RunbookResultCanonicalForm
{
    public const string Tag = "imapauto-runbook-result";

    public static byte[] Compute(RunbookResult result, string keyId)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(Tag);
            writer.WriteNumberValue(result.SchemaVersion);
            writer.WriteStringValue(keyId);
            writer.WriteStringValue(result.RequestId);
            writer.WriteStringValue(result.Status.ToString());
            writer.WriteStringValue(Time(result.StartedAt));
            writer.WriteStringValue(Time(result.CompletedAt));
            WriteState(writer, result.BeforeState);
            WriteState(writer, result.AfterState);
            writer.WriteStringValue(result.Output);
            writer.WriteStringValue(result.Error);
            writer.WriteStringValue(result.Verification.ToString());
            if (result.VerificationDetail is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(result.VerificationDetail);
            }

            writer.WriteEndArray();
        }

        return buffer.ToArray();
    }

    private static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Re-written token by token: whitespace and escaping on the wire do not matter, member order and values do.</summary>
    private static void WriteState(Utf8JsonWriter writer, JsonElement? state)
    {
        if (state is { ValueKind: not JsonValueKind.Undefined } element)
        {
            element.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
