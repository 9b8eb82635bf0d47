using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Incidents;

namespace ImapAutomation.Core.Approvals;

/// <summary>What an approval link is bound to: one step of one attempt of one episode of one incident, until it expires.</summary>
public sealed record ApprovalClaims(
    [property: JsonPropertyName("inc")] string IncidentId,
    [property: JsonPropertyName("ep")] int Episode,
    [property: JsonPropertyName("att")] int Attempt,
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("rb")] string Runbook,
    [property: JsonPropertyName("exp")] long ExpiresUnix,
    [property: JsonPropertyName("kid")] string KeyId)
{
    /// <summary>True while the incident still waits for exactly this decision; afterwards the link is spent.</summary>
    public bool Matches(Incident incident) =>
        incident is not null
        && incident.Id == IncidentId
        && incident.State == IncidentState.AwaitingApproval
        && incident.Episode == Episode
        && incident.Attempt == Attempt
        && incident.CurrentStep == Step
        && Step < incident.Plan.Count
        && incident.Plan[Step].Runbook == Runbook;
}

/// <summary>
/// Signed, expiring approval tokens for the links on Teams cards: <c>base64url(claims).base64url(HMAC-SHA256)</c> with
/// the runbook signing key ring (rotation included), domain-separated so a token can never pass as a request signature.
/// Single use comes from the incident: once the step is decided, <see cref="ApprovalClaims.Matches"/> is false.
/// </summary>
public sealed class ApprovalTokens(RunbookKeyRing keys, TimeProvider time)
{
    public const int MaxTokenLength = 1024;
    private static readonly byte[] Domain = "imapautomation/approval/v1\n"u8.ToArray();

    public string Issue(Incident incident, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var claims = new ApprovalClaims(
            incident.Id, incident.Episode, incident.Attempt, incident.CurrentStep, incident.Plan[incident.CurrentStep].Runbook,
            time.GetUtcNow().Add(lifetime).ToUnixTimeSeconds(), keys.CurrentKeyId);
        var payload = JsonSerializer.SerializeToUtf8Bytes(claims, ApprovalJsonContext.Default.ApprovalClaims);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(Mac(keys.CurrentKey, payload));
    }

    /// <summary>The claims of a genuine, unexpired token, or why not (never which part of a forged MAC was wrong).</summary>
    public (ApprovalClaims? Claims, string? Error) Validate(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return (null, "the approval link is empty or too long");
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot != token.LastIndexOf('.') || !Base64Url.IsValid(token.AsSpan(0, dot)) || !Base64Url.IsValid(token.AsSpan(dot + 1)))
        {
            return (null, "the approval link is malformed");
        }

        var payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
        var mac = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        ApprovalClaims? claims;
        try
        {
            claims = JsonSerializer.Deserialize(payload, ApprovalJsonContext.Default.ApprovalClaims);
        }
        catch (JsonException)
        {
            return (null, "the approval link is malformed");
        }

        if (claims is null || claims.KeyId is null || !keys.TryGetKey(claims.KeyId, out var key))
        {
            return (null, "the approval link was not signed by this deployment");
        }

        if (!CryptographicOperations.FixedTimeEquals(mac, Mac(key, payload)))
        {
            return (null, "the approval link was not signed by this deployment");
        }

        return time.GetUtcNow().ToUnixTimeSeconds() >= claims.ExpiresUnix
            ? (null, "the approval link has expired")
            : (claims, null);
    }

    private static byte[] Mac(byte[] key, byte[] payload)
    {
        var input = new byte[Domain.Length + payload.Length];
        Domain.CopyTo(input, 0);
        payload.CopyTo(input, Domain.Length);
        return HMACSHA256.HashData(key, input);
    }
}

[JsonSerializable(typeof(ApprovalClaims))]
internal sealed partial class ApprovalJsonContext : JsonSerializerContext;
