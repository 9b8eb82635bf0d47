using System.Text.Json.Nodes;

namespace ImapAutomation.HybridWorker.Dispatch;

/// <summary>
/// A runbook to run, as the worker hands it to a back end after the request was verified (issue 4's contract maps
/// onto this). Parameter values are plain values: string, long, double, bool, or arrays of them.
/// </summary>
public sealed record RunbookDispatch(Guid RequestId, string Runbook, string Server, IReadOnlyDictionary<string, object?> Parameters)
{
    public bool WhatIf { get; init; }

    /// <summary>Null for the back end's default.</summary>
    public TimeSpan? Timeout { get; init; }
}

public enum RunbookOutcomeStatus
{
    Succeeded,
    Failed,
    TimedOut,

    /// <summary>A previous attempt started and never recorded its end (the worker stopped mid-run); it is not run again.</summary>
    Interrupted,
}

/// <summary>What a run came to, from either back end, in the shape the runbooks report: before, after, changed, messages.</summary>
public sealed record RunbookOutcome
{
    public required Guid RequestId { get; init; }

    public required string Runbook { get; init; }

    public required string Server { get; init; }

    public required RunbookOutcomeStatus Status { get; init; }

    public bool WhatIf { get; init; }

    public JsonNode? Before { get; init; }

    public JsonNode? After { get; init; }

    public bool? Changed { get; init; }

    public IReadOnlyList<string> Messages { get; init; } = [];

    /// <summary>The whole output when it is not the runbook shape (or for diagnostics runbooks).</summary>
    public JsonNode? Output { get; init; }

    public bool OutputTruncated { get; init; }

    public string? FailureMessage { get; init; }

    public IReadOnlyList<string> Errors { get; init; } = [];

    public IReadOnlyList<string> Warnings { get; init; } = [];

    public IReadOnlyList<string> Verbose { get; init; } = [];

    public IReadOnlyList<string> Information { get; init; } = [];

    public bool StreamsTruncated { get; init; }

    /// <summary><c>PowerShell</c> or <c>AzureAutomation</c>.</summary>
    public required string Backend { get; init; }

    /// <summary>The Azure Automation job name (the request id) when that back end ran it.</summary>
    public string? JobName { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset CompletedAt { get; init; }

    /// <summary>The Test-ImapTls probe's verdict when one ran (a Test-ImapTls request, or after a change runbook); null when none ran.</summary>
    public bool? VerificationPassed { get; init; }

    /// <summary>What the probe saw (outcome and message), for the incident timeline.</summary>
    public string? VerificationDetail { get; init; }

    /// <summary>True when this outcome was read back from the ledger for a redelivered request, not produced now.</summary>
    public bool Replayed { get; init; }

    /// <summary>An outcome for <paramref name="dispatch"/> with its identity filled in; the caller sets the rest.</summary>
    public static RunbookOutcome For(RunbookDispatch dispatch, string backend, RunbookOutcomeStatus status, DateTimeOffset startedAt, DateTimeOffset completedAt)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        return new RunbookOutcome
        {
            RequestId = dispatch.RequestId,
            Runbook = dispatch.Runbook,
            Server = dispatch.Server,
            WhatIf = dispatch.WhatIf,
            Status = status,
            Backend = backend,
            StartedAt = startedAt,
            CompletedAt = completedAt,
        };
    }

    /// <summary>Fills Before/After/Changed/Messages from a runbook's <c>{ before, after, changed, messages }</c> output.</summary>
    public static RunbookOutcome WithRunbookShape(RunbookOutcome outcome, JsonNode? output)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (output is not JsonObject shape || !shape.ContainsKey("before") || !shape.ContainsKey("after"))
        {
            return outcome with { Output = output };
        }

        var messages = shape["messages"] switch
        {
            JsonArray array => array.Select(m => m?.ToString() ?? "").ToList(),
            JsonValue single => [single.ToString()],
            _ => [],
        };
        bool? changed = shape["changed"] is JsonValue c && c.TryGetValue<bool>(out var b) ? b : null;
        return outcome with
        {
            Before = shape["before"]?.DeepClone(),
            After = shape["after"]?.DeepClone(),
            Changed = changed,
            Messages = messages,
        };
    }
}

/// <summary>Runs a verified runbook request somewhere: in-process PowerShell here, or an Azure Automation job.</summary>
public interface IRunbookDispatcher
{
    /// <summary>Runs it to an outcome; failures of the runbook are outcomes, only cancellation and unreachable back ends throw.</summary>
    Task<RunbookOutcome> DispatchAsync(RunbookDispatch dispatch, CancellationToken cancellationToken);
}
