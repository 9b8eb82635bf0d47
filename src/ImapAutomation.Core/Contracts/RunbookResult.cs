using System.Text.Json;

namespace ImapAutomation.Core.Contracts;

public enum RunbookStatus
{
    Succeeded,
    Failed,
    Skipped,
    Rejected,
    TimedOut,
}

public enum VerificationOutcome
{
    NotRun,
    Passed,
    Failed,
}

/// <summary>What the hybrid worker reports back on the <c>runbook-results</c> queue for one request.</summary>
public sealed record RunbookResult
{
    /// <summary>2: results are signed (<see cref="KeyId"/>, <see cref="Signature"/>); version 1 results were not and are refused.</summary>
    public const int CurrentSchemaVersion = 2;

    /// <summary>Output and error streams are cut to this many characters by the producer and refused above it.</summary>
    public const int MaxStreamChars = 16 * 1024;

    /// <summary>Before/after state documents are refused above this many characters of JSON.</summary>
    public const int MaxStateChars = 8 * 1024;

    public required int SchemaVersion { get; init; }

    public required string RequestId { get; init; }

    public required RunbookStatus Status { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset CompletedAt { get; init; }

    public JsonElement? BeforeState { get; init; }

    public JsonElement? AfterState { get; init; }

    public string Output { get; init; } = "";

    public string Error { get; init; } = "";

    public VerificationOutcome Verification { get; init; } = VerificationOutcome.NotRun;

    public string? VerificationDetail { get; init; }

    /// <summary>The key that signed the result (required: an unsigned result is recorded and never applied).</summary>
    public string? KeyId { get; init; }

    /// <summary>Base64 HMAC-SHA256 over <see cref="RunbookResultCanonicalForm"/>.</summary>
    public string? Signature { get; init; }

    /// <summary>Cuts a stream to <see cref="MaxStreamChars"/>, keeping the end (where errors usually are).</summary>
    public static string BoundStream(string? text)
    {
        const string marker = "[truncated]\n";
        if (string.IsNullOrEmpty(text) || text.Length <= MaxStreamChars)
        {
            return text ?? "";
        }

        return string.Concat(marker, text.AsSpan(text.Length - (MaxStreamChars - marker.Length)));
    }
}
