using System.ComponentModel.DataAnnotations;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ImapAutomation.HybridWorker.PowerShell;

/// <summary>
/// Runs catalog scripts in-process on warm runspaces. A script is invoked as a command with its parameters bound as
/// values (<c>AddCommand</c>/<c>AddParameter</c>): a request's text can never become code.
/// </summary>
public sealed partial class PowerShellRunbookRunner : IDisposable
{
    /// <summary>Common parameters the runner owns: a request may not set them (WhatIf goes through <see cref="RunbookInvocation.WhatIf"/>).</summary>
    private static readonly HashSet<string> ReservedParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "WhatIf", "Confirm", "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction",
        "ErrorVariable", "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable",
    };

    private const int MaxOutputObjects = 1000;

    private readonly PowerShellRunnerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PowerShellRunbookRunner> _logger;
    private readonly RunspaceLeasePool _pool;

    private readonly Action<Runspace>? _initialize;

    public PowerShellRunbookRunner(IOptions<PowerShellRunnerOptions> options, TimeProvider time, ILogger<PowerShellRunbookRunner> logger)
        : this(options, time, logger, null)
    {
    }

    /// <summary>With a hook run on each new runspace after it is connected: tests point the Exchange lab at their own state file here.</summary>
    internal PowerShellRunbookRunner(
        IOptions<PowerShellRunnerOptions> options, TimeProvider time, ILogger<PowerShellRunbookRunner> logger, Action<Runspace>? initialize)
    {
        _initialize = initialize;
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        Validator.ValidateObject(_options, new ValidationContext(_options), validateAllProperties: true);
        _time = time;
        _logger = logger;
        _pool = new RunspaceLeasePool(_options.MaxRunspaces, CreateRunspace);
    }

    /// <summary>Runspaces opened so far; a warm pool serving runs one after another opens no more.</summary>
    public int RunspacesCreated => _pool.Created;

    /// <summary>Opens up to <paramref name="count"/> runspaces ahead of the first request.</summary>
    public async Task WarmUpAsync(int count, CancellationToken cancellationToken)
    {
        var rented = new List<Runspace>();
        try
        {
            for (var i = 0; i < Math.Min(count, _options.MaxRunspaces); i++)
            {
                rented.Add(await _pool.RentAsync(cancellationToken).ConfigureAwait(false));
            }
        }
        finally
        {
            foreach (var runspace in rented)
            {
                _pool.Return(runspace, reusable: true);
            }
        }
    }

    /// <summary>Runs one script to completion, failure or timeout. Only the caller's cancellation throws.</summary>
    /// <exception cref="ArgumentException">The script path or a parameter name is not acceptable.</exception>
    public async Task<RunbookExecution> RunAsync(RunbookInvocation invocation, CancellationToken cancellationToken)
    {
        Check(invocation);
        var timeout = invocation.Timeout ?? _options.DefaultTimeout;
        var started = _time.GetTimestamp();
        var runspace = await _pool.RentAsync(cancellationToken).ConfigureAwait(false);
        var reusable = true;
        var abandoned = false;
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        var streams = new CapturedStreams(ps, _options.MaxStreamChars);
        var output = new PSDataCollection<PSObject>();
        var outputObjects = new List<PSObject>();
        var outputTruncated = false;
        output.DataAdded += (_, e) =>
        {
            lock (outputObjects)
            {
                if (outputObjects.Count < MaxOutputObjects)
                {
                    outputObjects.Add(output[e.Index]);
                }
                else
                {
                    outputTruncated = true;
                }
            }
        };

        ps.AddCommand(invocation.ScriptPath);
        foreach (var (name, value) in invocation.Parameters)
        {
            ps.AddParameter(name, value);
        }

        if (invocation.WhatIf)
        {
            ps.AddParameter("WhatIf", true);
        }

        LogStarting(_logger, invocation.ScriptPath, invocation.WhatIf, timeout);
        var status = RunbookExecutionStatus.Succeeded;
        string? failure = null;
        try
        {
            using var timer = new CancellationTokenSource(timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
            var invoke = ps.InvokeAsync<PSObject, PSObject>(null, output);
            try
            {
                await invoke.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                reusable = false;
                abandoned = !await StopAsync(ps, invoke).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                status = RunbookExecutionStatus.TimedOut;
                failure = $"The runbook ran past its timeout of {timeout} and was stopped" +
                    (abandoned ? $"; it did not stop within {_options.StopGrace} and its runspace was abandoned." : ".");
                LogTimedOut(_logger, invocation.ScriptPath, timeout);
            }
        }
        catch (RuntimeException ex)
        {
            status = RunbookExecutionStatus.Failed;
            failure = ex.ErrorRecord?.ToString() ?? ex.Message;
        }
        finally
        {
            if (abandoned)
            {
                _pool.Abandon();
            }
            else
            {
                _pool.Return(runspace, reusable);
            }
        }

        if (status == RunbookExecutionStatus.Succeeded && streams.ErrorCount > 0)
        {
            status = RunbookExecutionStatus.Failed;
            failure = $"The runbook wrote {streams.ErrorCount} error record(s).";
        }

        var (json, jsonTruncated) = ToJson(outputObjects);
        var duration = _time.GetElapsedTime(started);
        LogFinished(_logger, invocation.ScriptPath, status, (long)duration.TotalMilliseconds);
        return new RunbookExecution
        {
            Status = status,
            Output = json,
            OutputTruncated = outputTruncated || jsonTruncated,
            FailureMessage = failure,
            Errors = streams.Errors.ToList(),
            Warnings = streams.Warnings.ToList(),
            Verbose = streams.Verbose.ToList(),
            Information = streams.Information.ToList(),
            StreamsTruncated = streams.Truncated,
            Duration = duration,
        };
    }

    public void Dispose() => _pool.Dispose();

    private static void Check(RunbookInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (!Path.IsPathFullyQualified(invocation.ScriptPath) || !invocation.ScriptPath.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Script path '{invocation.ScriptPath}' must be a full path to a .ps1 file.", nameof(invocation));
        }

        if (!File.Exists(invocation.ScriptPath))
        {
            throw new ArgumentException($"Script '{invocation.ScriptPath}' does not exist.", nameof(invocation));
        }

        foreach (var name in invocation.Parameters.Keys)
        {
            if (!ParameterName().IsMatch(name))
            {
                throw new ArgumentException($"Parameter name '{name}' is not a PowerShell parameter name.", nameof(invocation));
            }

            if (ReservedParameters.Contains(name))
            {
                throw new ArgumentException($"Parameter '{name}' is reserved to the runner.", nameof(invocation));
            }
        }

        if (invocation.Timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Timeout {t} must be above zero.", nameof(invocation));
        }
    }

    /// <summary>Stops the pipeline; false when it did not stop within the grace period.</summary>
    private async Task<bool> StopAsync(System.Management.Automation.PowerShell ps, Task invoke)
    {
        var stop = ps.StopAsync(null, null);
        var grace = Task.Delay(_options.StopGrace, _time);
        if (await Task.WhenAny(Task.WhenAll(stop, invoke.ContinueWith(_ => { }, TaskScheduler.Default)), grace).ConfigureAwait(false) == grace)
        {
            return false;
        }

        return true;
    }

    private (JsonNode? Json, bool Truncated) ToJson(List<PSObject> objects)
    {
        JsonNode? node;
        lock (objects)
        {
            node = objects.Count switch
            {
                0 => null,
                1 => PsJson.ToNode(objects[0]),
                _ => new JsonArray([.. objects.Select(o => PsJson.ToNode(o))]),
            };
        }

        return node is not null && node.ToJsonString().Length > _options.MaxOutputChars ? (null, true) : (node, false);
    }

    private Runspace CreateRunspace()
    {
        var state = InitialSessionState.CreateDefault2();
        state.ThrowOnRunspaceOpenError = true;
        if (OperatingSystem.IsWindows() && _options.WindowsExecutionPolicy is { } policy)
        {
            state.ExecutionPolicy = Enum.Parse<Microsoft.PowerShell.ExecutionPolicy>(policy, ignoreCase: true);
        }

        if (_options.ModulesToImport.Count > 0)
        {
            state.ImportPSModule([.. _options.ModulesToImport]);
        }

        var runspace = RunspaceFactory.CreateRunspace(state);
        try
        {
            runspace.Open();
            // No one can answer a prompt in a service; verbose and information records are wanted in the result.
            runspace.SessionStateProxy.SetVariable("ConfirmPreference", ConfirmImpact.None);
            runspace.SessionStateProxy.SetVariable("VerbosePreference", ActionPreference.Continue);
            runspace.SessionStateProxy.SetVariable("InformationPreference", ActionPreference.Continue);
            runspace.SessionStateProxy.SetVariable("ProgressPreference", ActionPreference.SilentlyContinue);
            if (_options.Exchange.Mode == ExchangeConnectionMode.RemoteSession)
            {
                ExchangeSession.Connect(runspace, _options.Exchange);
            }

            _initialize?.Invoke(runspace);

            LogRunspaceOpened(_logger, _options.ModulesToImport.Count, _options.Exchange.Mode);
            return runspace;
        }
        catch
        {
            runspace.Dispose();
            throw;
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex ParameterName();

    [LoggerMessage(1, LogLevel.Information, "Running {Script} (WhatIf: {WhatIf}, timeout {Timeout})")]
    private static partial void LogStarting(ILogger logger, string script, bool whatIf, TimeSpan timeout);

    [LoggerMessage(2, LogLevel.Information, "{Script} finished: {Status} in {Milliseconds} ms")]
    private static partial void LogFinished(ILogger logger, string script, RunbookExecutionStatus status, long milliseconds);

    [LoggerMessage(3, LogLevel.Warning, "{Script} ran past its timeout of {Timeout}; its pipeline was stopped")]
    private static partial void LogTimedOut(ILogger logger, string script, TimeSpan timeout);

    [LoggerMessage(4, LogLevel.Information, "Opened a runspace ({Modules} module(s) imported, Exchange connection {Mode})")]
    private static partial void LogRunspaceOpened(ILogger logger, int modules, ExchangeConnectionMode mode);

    /// <summary>The four streams of one run, each bounded, copied as records arrive.</summary>
    private sealed class CapturedStreams
    {
        private int _errorCount;

        public CapturedStreams(System.Management.Automation.PowerShell ps, int maxChars)
        {
            Errors = new BoundedLines(maxChars);
            Warnings = new BoundedLines(maxChars);
            Verbose = new BoundedLines(maxChars);
            Information = new BoundedLines(maxChars);
            var streams = ps.Streams;
            streams.Error.DataAdded += (_, e) =>
            {
                Interlocked.Increment(ref _errorCount);
                Errors.Add(streams.Error[e.Index].ToString());
            };
            streams.Warning.DataAdded += (_, e) => Warnings.Add(streams.Warning[e.Index].Message);
            streams.Verbose.DataAdded += (_, e) => Verbose.Add(streams.Verbose[e.Index].Message);
            streams.Information.DataAdded += (_, e) => Information.Add(streams.Information[e.Index].MessageData?.ToString());
        }

        public BoundedLines Errors { get; }

        public BoundedLines Warnings { get; }

        public BoundedLines Verbose { get; }

        public BoundedLines Information { get; }

        public int ErrorCount => Volatile.Read(ref _errorCount);

        public bool Truncated => Errors.Truncated || Warnings.Truncated || Verbose.Truncated || Information.Truncated;
    }
}
