using System.Text.Json.Serialization;
using ImapAutomation.HybridWorker.Dispatch;

namespace ImapAutomation.HybridWorker.Ledger;

/// <summary>What the ledger knows about one request id.</summary>
public sealed record LedgerEntry(Guid RequestId, string Runbook, string Server, DateTimeOffset StartedAt)
{
    /// <summary>Null while the run has not recorded its end: after a crash, the run was interrupted.</summary>
    public RunbookOutcome? Outcome { get; init; }

    public bool IsCompleted => Outcome is not null;
}

/// <summary>One line of the ledger file.</summary>
internal sealed record LedgerLine
{
    public required string Type { get; init; }

    public required Guid RequestId { get; init; }

    public required DateTimeOffset At { get; init; }

    public string? Runbook { get; init; }

    public string? Server { get; init; }

    public RunbookOutcome? Outcome { get; init; }

    public const string Started = "started";
    public const string Completed = "completed";
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LedgerLine))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;
