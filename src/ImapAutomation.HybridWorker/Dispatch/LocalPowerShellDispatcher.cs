using ImapAutomation.Core.Catalog;
using ImapAutomation.HybridWorker.PowerShell;
using Microsoft.Extensions.Options;

namespace ImapAutomation.HybridWorker.Dispatch;

/// <summary>Runs catalog runbooks in this process's PowerShell runner.</summary>
public sealed class LocalPowerShellDispatcher(PowerShellRunbookRunner runner, IOptions<RunbookCatalogOptions> options, TimeProvider time)
    : IRunbookDispatcher
{
    public const string BackendName = "PowerShell";

    public async Task<RunbookOutcome> DispatchAsync(RunbookDispatch dispatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        var catalog = options.Value;
        var script = ResolveScript(catalog.RunbookRoot, dispatch.Runbook);
        var parameters = new Dictionary<string, object?>(dispatch.Parameters, StringComparer.OrdinalIgnoreCase);
        if (parameters.TryGetValue(catalog.ServerParameterName, out var given) &&
            !string.Equals(given as string, dispatch.Server, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"Parameter {catalog.ServerParameterName} '{given}' contradicts the request's target server '{dispatch.Server}'.", nameof(dispatch));
        }

        parameters[catalog.ServerParameterName] = dispatch.Server;
        var startedAt = time.GetUtcNow();
        var execution = await runner.RunAsync(
            new RunbookInvocation(script, parameters) { WhatIf = dispatch.WhatIf, Timeout = dispatch.Timeout }, cancellationToken).ConfigureAwait(false);
        var status = execution.Status switch
        {
            RunbookExecutionStatus.Succeeded => RunbookOutcomeStatus.Succeeded,
            RunbookExecutionStatus.TimedOut => RunbookOutcomeStatus.TimedOut,
            _ => RunbookOutcomeStatus.Failed,
        };
        var outcome = RunbookOutcome.For(dispatch, BackendName, status, startedAt, time.GetUtcNow()) with
        {
            FailureMessage = execution.FailureMessage,
            OutputTruncated = execution.OutputTruncated,
            Errors = execution.Errors,
            Warnings = execution.Warnings,
            Verbose = execution.Verbose,
            Information = execution.Information,
            StreamsTruncated = execution.StreamsTruncated,
        };
        return RunbookOutcome.WithRunbookShape(outcome, execution.Output);
    }

    /// <summary>Only catalog names, only inside the root: the name picks a file and is never part of a command line.</summary>
    internal static string ResolveScript(string root, string runbook)
    {
        if (!RunbookNames.All.Contains(runbook, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Runbook '{runbook}' is not in the catalog.", nameof(runbook));
        }

        // Relative to the executable, not the working directory (System32 for a service).
        var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root, AppContext.BaseDirectory));
        var script = Path.GetFullPath(Path.Combine(fullRoot, runbook + ".ps1"));
        if (!script.StartsWith(fullRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Runbook '{runbook}' resolves outside {fullRoot}.", nameof(runbook));
        }

        return script;
    }
}
