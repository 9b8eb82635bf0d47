using System.Globalization;
using System.Text.Json;

namespace ImapAutomation.Core.Contracts;

/// <summary>
/// The bytes that are signed: every field but the signature, in a fixed order, parameters sorted by name and
/// re-encoded from their values, times in UTC with 7 fractional digits. Whitespace, member order and escaping
/// of the message on the wire therefore do not change the signature; any change of meaning does.
/// </summary>
public static class RunbookRequestCanonicalForm
{
    public static byte[] Compute(RunbookRequest request, string keyId)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStringValue("imapauto-runbook-request");
            writer.WriteNumberValue(request.SchemaVersion);
            writer.WriteStringValue(keyId);
            writer.WriteStringValue(request.RequestId);
            writer.WriteStringValue(request.IncidentId);
            writer.WriteStringValue(request.Runbook);
            writer.WriteStringValue(request.TargetServer);
            writer.WriteStringValue(Time(request.NotBefore));
            writer.WriteStringValue(Time(request.ExpiresAt));
            writer.WriteStringValue(request.RequestedBy);
            if (request.ApprovedBy is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(request.ApprovedBy);
            }

            writer.WriteStartArray();
            foreach (var (name, value) in (request.Parameters ?? new Dictionary<string, JsonElement>()).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteStartArray();
                writer.WriteStringValue(name);
                WriteValue(writer, value);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            if (request.WhatIf)
            {
                // Only when set, so every signature made before the field existed still verifies.
                writer.WriteStringValue("whatIf");
            }

            writer.WriteEndArray();
        }

        return buffer.ToArray();
    }

    private static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static void WriteValue(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                writer.WriteStringValue(value.GetString());
                break;
            case JsonValueKind.Number when value.TryGetInt64(out var number):
                writer.WriteNumberValue(number);
                break;
            case JsonValueKind.True or JsonValueKind.False:
                writer.WriteBooleanValue(value.ValueKind == JsonValueKind.True);
                break;
            case JsonValueKind.Undefined:
                writer.WriteStringValue("undefined");
                break;
            default:
                // Not a value the catalog accepts; validation refuses it, the signature still covers its text.
                writer.WriteStringValue("raw:" + value.GetRawText());
                break;
        }
    }
}
