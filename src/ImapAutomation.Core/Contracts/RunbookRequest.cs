using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImapAutomation.Core.Contracts;

/// <summary>
/// A signed order to run one catalog runbook against one server, sent from the cloud to the hybrid worker on
/// the <c>runbook-requests</c> queue. Parameters travel as JSON values and are validated against the catalog's
/// definitions on both sides; they are never spliced into script text.
/// </summary>
public sealed record RunbookRequest
{
    public const int CurrentSchemaVersion = 1;

    public required int SchemaVersion { get; init; }

    /// <summary>Idempotency key: <see cref="RunbookRequestIds.For"/> of incident, episode, step and attempt.</summary>
    public required string RequestId { get; init; }

    public required string IncidentId { get; init; }

    public required string Runbook { get; init; }

    public required string TargetServer { get; init; }

    public IReadOnlyDictionary<string, JsonElement> Parameters { get; init; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal);

    public required DateTimeOffset NotBefore { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary><c>system</c> or the UPN of the operator who triggered it.</summary>
    public required string RequestedBy { get; init; }

    /// <summary>The approver's UPN when policy required approval; null for automatic runbooks.</summary>
    public string? ApprovedBy { get; init; }

    /// <summary>A dry run: the runbook is invoked with <c>-WhatIf</c> and changes nothing. Signed, and absent from the JSON when false.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool WhatIf { get; init; }

    public string? KeyId { get; init; }

    /// <summary>Base64 HMAC-SHA256 over <see cref="RunbookRequestCanonicalForm"/>.</summary>
    public string? Signature { get; init; }
}
