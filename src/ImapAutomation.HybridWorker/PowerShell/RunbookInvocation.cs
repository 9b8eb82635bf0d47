using System.Text.Json.Nodes;

namespace ImapAutomation.HybridWorker.PowerShell;

/// <summary>One run of a script: its full path, its parameters as values (never script text), WhatIf, and its time budget.</summary>
public sealed record RunbookInvocation(string ScriptPath, IReadOnlyDictionary<string, object?> Parameters)
{
    public bool WhatIf { get; init; }

    /// <summary>Null for <see cref="PowerShellRunnerOptions.DefaultTimeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }
}

public enum RunbookExecutionStatus
{
    Succeeded,

    /// <summary>A terminating error, or error records written by the runbook.</summary>
    Failed,

    /// <summary>The runbook ran past its timeout and its pipeline was stopped.</summary>
    TimedOut,
}

/// <summary>What one run produced, with each stream kept up to its size limit.</summary>
public sealed record RunbookExecution
{
    public required RunbookExecutionStatus Status { get; init; }

    /// <summary>The runbook's output as JSON: its one object, an array when it wrote several, null when none (or too large).</summary>
    public JsonNode? Output { get; init; }

    public bool OutputTruncated { get; init; }

    /// <summary>The terminating error's message, or why the run was stopped.</summary>
    public string? FailureMessage { get; init; }

    public IReadOnlyList<string> Errors { get; init; } = [];

    public IReadOnlyList<string> Warnings { get; init; } = [];

    public IReadOnlyList<string> Verbose { get; init; } = [];

    public IReadOnlyList<string> Information { get; init; } = [];

    /// <summary>True when a stream held more than its limit; the first records are kept.</summary>
    public bool StreamsTruncated { get; init; }

    public required TimeSpan Duration { get; init; }
}
