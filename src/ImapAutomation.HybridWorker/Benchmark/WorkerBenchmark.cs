using System.Diagnostics;
using System.Globalization;
using System.Management.Automation.Runspaces;
using System.Runtime.InteropServices;
using System.Text;
using ImapAutomation.HybridWorker.Concurrency;
using ImapAutomation.HybridWorker.Dispatch;
using ImapAutomation.HybridWorker.Ledger;
using ImapAutomation.HybridWorker.PowerShell;
using ImapAutomation.LocalParts.Azurite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImapAutomation.HybridWorker.Benchmark;

/// <summary>
/// <c>ImapAutomation.HybridWorker benchmark [--runs N] [--queue-connection CS | --no-queues] [--write FILE]</c>: the
/// worker's own cost per runbook on a warm pool (ledger, locks, runner, JSON) against the same script invoked bare,
/// throughput for 100 requests across 10 servers in process, and the same 100 requests signed and queued on Azurite,
/// served by the worker's own loop (a private Azurite is started unless a connection string is given). Figures go to
/// stdout and, with --write, into the hybrid worker's section of docs/benchmarks.md.
/// </summary>
internal static class WorkerBenchmark
{
    private const string Begin = "<!-- hybrid-worker:begin -->";
    private const string End = "<!-- hybrid-worker:end -->";

    private const string Script = """
        [CmdletBinding(SupportsShouldProcess)]
        param([Parameter(Mandatory)][string] $Server, [int] $SleepMilliseconds = 0)
        if ($SleepMilliseconds -gt 0) { Start-Sleep -Milliseconds $SleepMilliseconds }
        [pscustomobject]@{ before = @{ limit = 16 }; after = @{ limit = 200 }; changed = $true; messages = @("set on $Server") }
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = 200;
        string? write = null;
        string? queueConnection = null;
        var queues = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--runs" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 100_000:
                    runs = n;
                    i++;
                    break;
                case "--write" when i + 1 < args.Length:
                    write = args[++i];
                    break;
                case "--queue-connection" when i + 1 < args.Length:
                    queueConnection = args[++i];
                    break;
                case "--no-queues":
                    queues = false;
                    break;
                default:
                    await Console.Error.WriteLineAsync(
                        $"benchmark: unexpected '{args[i]}'. Usage: benchmark [--runs N] [--queue-connection CS | --no-queues] [--write FILE]").ConfigureAwait(false);
                    return 1;
            }
        }

        var folder = Directory.CreateTempSubdirectory("imapauto-bench-");
        try
        {
            var catalog = Directory.CreateDirectory(Path.Combine(folder.FullName, "runbooks"));
            await File.WriteAllTextAsync(Path.Combine(catalog.FullName, "Set-ImapConnectionLimits.ps1"), Script).ConfigureAwait(false);
            var scriptPath = Path.Combine(catalog.FullName, "Set-ImapConnectionLimits.ps1");

            var bare = MeasureBare(scriptPath, runs);
            using var runner = new PowerShellRunbookRunner(
                Options.Create(new PowerShellRunnerOptions { MaxRunspaces = 4 }), TimeProvider.System, NullLogger<PowerShellRunbookRunner>.Instance);
            await runner.WarmUpAsync(4, CancellationToken.None).ConfigureAwait(false);
            var dispatcher = new LocalPowerShellDispatcher(runner, Options.Create(new RunbookCatalogOptions { RunbookRoot = catalog.FullName }), TimeProvider.System);
            using var gate = new ExecutionGate(4);
            using var ledger = RequestLedger.Open(Path.Combine(folder.FullName, "ledger.jsonl"), TimeProvider.System, TimeSpan.FromDays(14));
            var executor = new ExactlyOnceExecutor(ledger, gate, dispatcher, TimeProvider.System, NullLogger<ExactlyOnceExecutor>.Instance);

            var full = new List<double>(runs);
            for (var i = 0; i < runs; i++)
            {
                var watch = Stopwatch.StartNew();
                var outcome = await executor.ExecuteAsync(Dispatch("ex01", 0), CancellationToken.None).ConfigureAwait(false);
                full.Add(watch.Elapsed.TotalMilliseconds);
                if (outcome.Status != RunbookOutcomeStatus.Succeeded)
                {
                    throw new InvalidOperationException($"Benchmark run failed: {outcome.FailureMessage}");
                }
            }

            const int requests = 100, servers = 10, sleep = 50;
            var throughputWatch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, requests)
                .Select(i => executor.ExecuteAsync(Dispatch($"ex{i % servers:D2}", sleep), CancellationToken.None))).ConfigureAwait(false);
            var throughputSeconds = throughputWatch.Elapsed.TotalSeconds;

            QueueFigures? queued = null;
            if (queues)
            {
                queued = await RunQueuesAsync(queueConnection, runner, folder, requests, servers, sleep).ConfigureAwait(false);
                if (queued is null)
                {
                    return 1;
                }
            }

            var report = Report(runs, bare, full, requests, servers, sleep, throughputSeconds, runner.RunspacesCreated, queued, queueConnection is null);
            Console.WriteLine(report);
            if (write is not null)
            {
                await WriteSectionAsync(Resolve(write), report).ConfigureAwait(false);
            }

            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<QueueFigures?> RunQueuesAsync(
        string? connection, PowerShellRunbookRunner runner, DirectoryInfo folder, int requests, int servers, int sleep)
    {
        if (connection is not null)
        {
            return await QueueBenchmark.RunAsync(connection, runner, folder, requests, servers, sleep, CancellationToken.None).ConfigureAwait(false);
        }

        if (AzuriteServer.FindEntry() is not { } entry)
        {
            await Console.Error.WriteLineAsync(
                "benchmark: Azurite is not installed under tools/node (run scripts/bootstrap.sh), pass --queue-connection, or --no-queues.").ConfigureAwait(false);
            return null;
        }

        await using var azurite = await AzuriteServer.StartAsync(entry, dataFolder: null, CancellationToken.None).ConfigureAwait(false);
        return await QueueBenchmark.RunAsync(azurite.ConnectionString, runner, folder, requests, servers, sleep, CancellationToken.None).ConfigureAwait(false);
    }

    private static RunbookDispatch Dispatch(string server, int sleepMilliseconds) =>
        new(Guid.NewGuid(), "Set-ImapConnectionLimits", server, new Dictionary<string, object?> { ["SleepMilliseconds"] = (long)sleepMilliseconds });

    /// <summary>The same script on one open runspace with nothing around it: the runbook's own time.</summary>
    private static List<double> MeasureBare(string scriptPath, int runs)
    {
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        var times = new List<double>(runs);
        for (var i = 0; i < runs + 10; i++)
        {
            using var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = runspace;
            var watch = Stopwatch.StartNew();
            ps.AddCommand(scriptPath).AddParameter("Server", "ex01").Invoke();
            if (i >= 10)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        return times;
    }

    private static string Report(
        int runs, List<double> bare, List<double> full, int requests, int servers, int sleep, double seconds, int runspaces, QueueFigures? queued, bool privateAzurite)
    {
        var c = CultureInfo.InvariantCulture;
        var overhead50 = P(full, 0.5) - P(bare, 0.5);
        var overhead95 = P(full, 0.95) - P(bare, 0.95);
        var text = new StringBuilder();
        text.AppendLine(c, $"Command: `dotnet run --project src/ImapAutomation.HybridWorker -c Release -- benchmark --runs {runs}{(queued is null ? " --no-queues" : "")} --write docs/benchmarks.md`");
        text.AppendLine(c, $"Machine: {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical CPU(s), .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{LoadAverage()}");
        text.AppendLine();
        text.AppendLine("| measure | p50 | p95 |");
        text.AppendLine("| --- | --- | --- |");
        text.AppendLine(c, $"| runbook invoked bare on an open runspace (the runbook's own time) | {P(bare, 0.5):F2} ms | {P(bare, 0.95):F2} ms |");
        text.AppendLine(c, $"| the same through the worker (ledger fsync x2, server lock, warm pool, streams, JSON) | {P(full, 0.5):F2} ms | {P(full, 0.95):F2} ms |");
        text.AppendLine(c, $"| **worker overhead per runbook** (target under 50 ms) | **{overhead50:F2} ms** | {overhead95:F2} ms |");
        text.AppendLine();
        text.AppendLine(c, $"Throughput: {requests} requests across {servers} servers, each runbook sleeping {sleep} ms, 4 runspaces, one at a time per server: " +
            $"{seconds:F2} s, {requests / seconds:F1} runbooks/s ({runspaces} runspaces opened in all), without queues.");
        if (queued is not null)
        {
            AppendQueued(text, queued, seconds, privateAzurite);
        }

        return text.ToString();
    }

    private static void AppendQueued(StringBuilder text, QueueFigures q, double inProcessSeconds, bool privateAzurite)
    {
        var c = CultureInfo.InvariantCulture;
        var receivePerRequest = q.ReceiveCalls.Sum() / Math.Max(1, q.Received);
        var perRequest = receivePerRequest + q.Posts.Average() + q.Deletes.Average();
        text.AppendLine();
        text.AppendLine(c, $"Through the queues: the same {q.Requests} requests across {q.Servers} servers ({q.SleepMilliseconds} ms runbook, 4 runspaces), each signed and queued on " +
            $"{(privateAzurite ? "a private Azurite 3.37 on loopback started by the command" : "the queue account given")}, then served by the worker's own `RequestLoop` " +
            $"(batch {q.BatchSize}): receive, verify (HMAC, expiry, catalog, allow-list), run through the ledger, post the result, delete the request. " +
            $"All {q.Requests} results were checked as succeeded and distinct, the requests queue left empty.");
        text.AppendLine();
        text.AppendLine("| measure | value |");
        text.AppendLine("| --- | --- |");
        text.AppendLine(c, $"| total, first receive to last delete | **{q.Seconds:F2} s, {q.Requests / q.Seconds:F1} runbooks/s** (in process: {inProcessSeconds:F2} s) |");
        text.AppendLine(c, $"| receive (one call, up to {q.BatchSize} messages; {q.ReceiveCalls.Count} calls) | p50 {P(q.ReceiveCalls, 0.5):F2} ms, p95 {P(q.ReceiveCalls, 0.95):F2} ms; {receivePerRequest:F2} ms per request |");
        text.AppendLine(c, $"| post result | p50 {P(q.Posts, 0.5):F2} ms, p95 {P(q.Posts, 0.95):F2} ms |");
        text.AppendLine(c, $"| delete request | p50 {P(q.Deletes, 0.5):F2} ms, p95 {P(q.Deletes, 0.95):F2} ms |");
        text.AppendLine(c, $"| visibility renewals | {q.Renewals.Count} (runbooks shorter than the renew interval need none) |");
        text.AppendLine(c, $"| **queue overhead per request** (receive share + post + delete, mean) | **{perRequest:F2} ms** |");
        text.AppendLine();
        text.AppendLine("Queue calls overlap with other requests' runbooks, so the total grows by much less than requests x overhead; it can even beat the " +
            "in-process pass, which hands all 100 to the gate at once to queue on the server locks, while the loop holds at most a batch.");
    }

    /// <summary>The machine may be shared: the load average says how much of it the figures had.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? ", load average " + string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) + " (shared machine)" : "";

    private static double P(IReadOnlyList<double> values, double quantile)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(quantile * sorted.Count))];
    }

    /// <summary>
    /// <c>dotnet run</c> starts the worker in its project folder, so a relative path such as docs/benchmarks.md is
    /// taken from the nearest folder above where its directory exists (the repository root).
    /// </summary>
    private static string Resolve(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        for (var folder = new DirectoryInfo(Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, path);
            if (Directory.Exists(Path.GetDirectoryName(candidate)))
            {
                return candidate;
            }
        }

        return Path.GetFullPath(path);
    }

    private static async Task WriteSectionAsync(string path, string report)
    {
        var section = $"{Begin}\n## Hybrid worker\n\n{report}{End}";
        var existing = File.Exists(path) ? await File.ReadAllTextAsync(path).ConfigureAwait(false) : "# Benchmarks\n";
        var start = existing.IndexOf(Begin, StringComparison.Ordinal);
        var end = existing.IndexOf(End, StringComparison.Ordinal);
        var updated = start >= 0 && end > start
            ? existing[..start] + section + existing[(end + End.Length)..]
            : existing.TrimEnd() + "\n\n" + section + "\n";
        await File.WriteAllTextAsync(path, updated).ConfigureAwait(false);
    }
}
