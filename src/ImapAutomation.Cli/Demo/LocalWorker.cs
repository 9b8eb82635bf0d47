using System.Collections.Concurrent;
using System.Globalization;
using System.Management.Automation.Runspaces;
using ImapAutomation.Core.Probe;
using ImapAutomation.HybridWorker;
using ImapAutomation.HybridWorker.Dispatch;
using ImapAutomation.HybridWorker.PowerShell;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Cli.Demo;

/// <summary>What the worker ran, in order, as the demo saw it.</summary>
internal sealed record WorkerRun(Guid RequestId, string Runbook, string Server, RunbookOutcomeStatus Status, bool? VerificationPassed, string? Detail, DateTimeOffset StartedAt, DateTimeOffset EndedAt);

/// <summary>
/// The hybrid worker with its own wiring (queue loop, verifier, exactly-once ledger, runspace pool, Test-ImapTls
/// probe) on the demo's queues. Its Exchange connection is the lab module, pointed at the run's state file in every
/// runspace; after each runbook the IMAPS endpoint is brought in line with what the lab now says is bound.
/// </summary>
internal sealed class LocalWorker : IAsyncDisposable
{
    private readonly IHost _host;

    private LocalWorker(IHost host, ConcurrentQueue<WorkerRun> runs)
    {
        _host = host;
        Runs = runs;
    }

    public ConcurrentQueue<WorkerRun> Runs { get; }

    public static async Task<LocalWorker> StartAsync(
        DemoPaths paths, DemoLab lab, ImapEndpoint endpoint, string storageConnection, string signingKeyId, byte[] signingKey,
        string dataFolder, Action<string, string> runbookStarted, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateDirectory(Path.Combine(dataFolder, "worker")).FullName;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HybridWorker:LedgerPath"] = Path.Combine(folder, "ledger.jsonl"),
            ["HybridWorker:MaxConcurrency"] = "2",
            ["HybridWorker:Catalog:RunbookRoot"] = paths.Runbooks,
            ["HybridWorker:PowerShell:MaxRunspaces"] = "2",
            ["HybridWorker:PowerShell:ModulesToImport:0"] = paths.LabModule,
            ["HybridWorker:PowerShell:DefaultTimeout"] = "00:02:00",
            ["HybridWorker:PowerShell:StopGrace"] = "00:00:05",
            ["HybridWorker:Queue:ConnectionString"] = storageConnection,
            ["HybridWorker:Queue:AllowedServers:0"] = DemoScenario.BrokenServer,
            ["HybridWorker:Queue:AllowedServers:1"] = DemoScenario.HealthyServer,
            ["HybridWorker:Queue:PollInterval"] = "00:00:00.050",
            ["HybridWorker:Queue:VisibilityTimeout"] = "00:02:00",
            ["HybridWorker:Queue:RenewInterval"] = "00:00:30",
            ["RunbookSigning:CurrentKeyId"] = signingKeyId,
            ["RunbookSigning:CurrentKey"] = Convert.ToBase64String(signingKey),
            // The fix is verified by the plan's own last step (Test-ImapTls), so every step of the plan is played.
            ["HybridWorker:Verification:ProbeAfterChanges"] = "false",
            ["HybridWorker:Verification:Port"] = endpoint.Port.ToString(CultureInfo.InvariantCulture),
            ["HybridWorker:Verification:Trust"] = nameof(ImapTlsTrust.PinnedCa),
            ["HybridWorker:Verification:PinnedCaFile"] = endpoint.CaCertificatePath,
            ["HybridWorker:Verification:Timeout"] = "00:00:10",
            ["HybridWorker:Verification:Hosts:" + DemoScenario.BrokenServer] = ImapEndpoint.HostName,
            ["HybridWorker:Verification:Hosts:" + DemoScenario.HealthyServer] = ImapEndpoint.HostName,
        });
        builder.Services.AddLogging();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHybridWorkerExecution();
        builder.Services.AddHybridWorkerQueueLoop();
        var state = lab.StatePath;
        builder.Services.AddSingleton(sp => new PowerShellRunbookRunner(
            sp.GetRequiredService<IOptions<PowerShellRunnerOptions>>(), TimeProvider.System,
            sp.GetRequiredService<ILogger<PowerShellRunbookRunner>>(), runspace => PointLabAt(runspace, state)));
        var runs = new ConcurrentQueue<WorkerRun>();
        builder.Services.AddSingleton<IRunbookDispatcher>(sp => new LabSyncingDispatcher(
            sp.GetRequiredService<LocalPowerShellDispatcher>(), lab, endpoint, runs, runbookStarted));
        var host = builder.Build();
        var worker = new LocalWorker(host, runs);
        try
        {
            // Warm the runspaces (the lab module loads once per runspace) before the storm, as a running service has.
            await host.Services.GetRequiredService<PowerShellRunbookRunner>().WarmUpAsync(1, cancellationToken).ConfigureAwait(false);
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            return worker;
        }
        catch
        {
            await worker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _host.StopAsync(stop.Token).ConfigureAwait(false);
        }
        finally
        {
            _host.Dispose();
        }
    }

    private static void PointLabAt(Runspace runspace, string state)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddCommand("Set-ExchangeLabState").AddParameter("Path", state).Invoke();
    }

    /// <summary>Runs the runbook on the lab, then makes ex01's IMAPS endpoint match the lab's binding before the result goes back.</summary>
    private sealed class LabSyncingDispatcher(
        IRunbookDispatcher inner, DemoLab lab, ImapEndpoint endpoint, ConcurrentQueue<WorkerRun> runs, Action<string, string> started) : IRunbookDispatcher
    {
        public async Task<RunbookOutcome> DispatchAsync(RunbookDispatch dispatch, CancellationToken cancellationToken)
        {
            started(dispatch.Runbook, dispatch.Server);
            var startedAt = DateTimeOffset.UtcNow;
            var outcome = await inner.DispatchAsync(dispatch, cancellationToken).ConfigureAwait(false);
            if (string.Equals(dispatch.Server, DemoScenario.BrokenServer, StringComparison.OrdinalIgnoreCase))
            {
                await endpoint.UseAsync(DemoLab.CertificateBound(lab.ReadServer(DemoScenario.BrokenServer)), cancellationToken).ConfigureAwait(false);
            }

            runs.Enqueue(new WorkerRun(dispatch.RequestId, dispatch.Runbook, dispatch.Server, outcome.Status, outcome.VerificationPassed,
                outcome.FailureMessage, startedAt, DateTimeOffset.UtcNow));
            return outcome;
        }
    }
}
