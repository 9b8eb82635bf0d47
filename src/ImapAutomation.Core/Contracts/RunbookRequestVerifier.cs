using System.Security.Cryptography;

namespace ImapAutomation.Core.Contracts;

public enum RequestRejection
{
    None,
    Malformed,
    UnsupportedSchema,
    UnknownKey,
    BadSignature,
    NotYetValid,
    Expired,
    InvalidContent,
}

/// <summary>Whether a request may run, and if not, why (the reason goes to the result and the incident timeline).</summary>
public sealed record RequestVerification(RunbookRequest? Request, RequestRejection Rejection, string? Reason)
{
    public bool IsValid => Rejection == RequestRejection.None;
}

/// <summary>
/// The hybrid worker's gate: schema, key id, signature (constant-time), validity window, then catalog content.
/// Replays are the ledger's job (the request ledger): a valid signature on a replayed id is still valid.
/// </summary>
public sealed class RunbookRequestVerifier(RunbookKeyRing keys, TimeProvider timeProvider, TimeSpan clockSkew, TimeSpan maxLifetime)
{
    public RunbookRequestVerifier(RunbookKeyRing keys, TimeProvider timeProvider, RunbookSigningOptions options)
        : this(keys, timeProvider, options?.ClockSkew ?? TimeSpan.Zero, options?.MaxLifetime ?? TimeSpan.Zero)
    {
    }

    /// <summary>Parses and verifies a queue message in one step.</summary>
    public RequestVerification Verify(string json)
    {
        var parsed = RunbookContract.ParseRequest(json);
        if (parsed.Value is null)
        {
            var rejection = parsed.Reason!.Contains("schemaVersion", StringComparison.Ordinal)
                ? RequestRejection.UnsupportedSchema
                : RequestRejection.Malformed;
            return new(null, rejection, parsed.Reason);
        }

        return Verify(parsed.Value);
    }

    public RequestVerification Verify(RunbookRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.SchemaVersion != RunbookRequest.CurrentSchemaVersion)
        {
            return Reject(request, RequestRejection.UnsupportedSchema, $"unsupported schemaVersion {request.SchemaVersion} (this build reads {RunbookRequest.CurrentSchemaVersion})");
        }

        if (string.IsNullOrEmpty(request.KeyId) || string.IsNullOrEmpty(request.Signature))
        {
            return Reject(request, RequestRejection.BadSignature, "the request is not signed (keyId or signature missing)");
        }

        if (!keys.TryGetKey(request.KeyId, out var key))
        {
            return Reject(request, RequestRejection.UnknownKey, $"signing key {ParameterValidator.Show(request.KeyId)} is neither the current nor the previous key");
        }

        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (!Convert.TryFromBase64String(request.Signature, given, out var written) || written != HMACSHA256.HashSizeInBytes)
        {
            return Reject(request, RequestRejection.BadSignature, "the signature is not a base64 HMAC-SHA256");
        }

        var expected = HMACSHA256.HashData(key, RunbookRequestCanonicalForm.Compute(request, request.KeyId));
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return Reject(request, RequestRejection.BadSignature, "the signature does not match the request (forged or altered)");
        }

        var now = timeProvider.GetUtcNow();
        if (request.ExpiresAt <= request.NotBefore || request.ExpiresAt - request.NotBefore > maxLifetime)
        {
            return Reject(request, RequestRejection.InvalidContent, $"validity window {request.NotBefore:O}..{request.ExpiresAt:O} is empty or longer than {maxLifetime}");
        }

        if (now + clockSkew < request.NotBefore)
        {
            return Reject(request, RequestRejection.NotYetValid, $"not valid before {request.NotBefore:O} (now {now:O})");
        }

        if (now - clockSkew >= request.ExpiresAt)
        {
            return Reject(request, RequestRejection.Expired, $"expired at {request.ExpiresAt:O} (now {now:O})");
        }

        var problems = CheckContent(request);
        return problems is null
            ? new(request, RequestRejection.None, null)
            : Reject(request, RequestRejection.InvalidContent, problems);
    }

    /// <summary>Everything about a request that does not depend on keys or time; null when it is acceptable.</summary>
    internal static string? CheckContent(RunbookRequest request)
    {
        var problems = new List<string>();
        if (!RunbookRequestIds.IsWellFormed(request.RequestId))
        {
            problems.Add($"requestId {ParameterValidator.Show(request.RequestId)} is not a 32-digit lowercase hex request id");
        }

        if (request.IncidentId is not { Length: > 0 and <= 300 })
        {
            problems.Add("incidentId is empty or longer than 300 characters");
        }

        if (!ParameterValidator.IsPrincipal(request.RequestedBy))
        {
            problems.Add($"requestedBy {ParameterValidator.Show(request.RequestedBy)} is neither 'system' nor a UPN");
        }

        if (request.ApprovedBy is not null && (request.ApprovedBy == "system" || !ParameterValidator.IsPrincipal(request.ApprovedBy)))
        {
            problems.Add($"approvedBy {ParameterValidator.Show(request.ApprovedBy)} is not a UPN");
        }

        problems.AddRange(ParameterValidator.Validate(request.Runbook, request.TargetServer, request.Parameters));
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private static RequestVerification Reject(RunbookRequest request, RequestRejection rejection, string reason) =>
        new(request, rejection, reason);
}
