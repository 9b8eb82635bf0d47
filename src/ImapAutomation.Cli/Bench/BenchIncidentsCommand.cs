using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Detection;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Outbox;
using ImapAutomation.Core.Policy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Cli.Bench;

/// <summary>
/// <c>imapauto bench incidents --connection-string CS [--ingests N] [--storm-events N] [--output FILE]</c>:
/// incident updates per second with 1 and 8 writers, and the amplification of a storm through the batcher.
/// Run against Azurite by scripts/bench-incidents.sh; works against a real storage account too.
/// </summary>
internal static class BenchIncidentsCommand
{
    private const int Incidents = 20;
    private const int StormWriters = 8;
    private const int EventsPerDetection = 100;

    public static async Task<int> RunAsync(CliContext context)
    {
        if (context.Args is not ["incidents", .. var rest])
        {
            await context.Stderr.WriteLineAsync("usage: imapauto bench incidents --connection-string CS [--ingests 400] [--storm-events 1000000] [--output docs/benchmarks.md]").ConfigureAwait(false);
            return CliApp.UsageError;
        }

        var options = ParseOptions(rest);
        if (options is null || !options.TryGetValue("--connection-string", out var connection))
        {
            await context.Stderr.WriteLineAsync("bench incidents: --connection-string is required; options take one value each.").ConfigureAwait(false);
            return CliApp.UsageError;
        }

        var ingests = int.Parse(options.GetValueOrDefault("--ingests", "400"), CultureInfo.InvariantCulture);
        var stormEvents = long.Parse(options.GetValueOrDefault("--storm-events", "1000000"), CultureInfo.InvariantCulture);
        var token = context.CancellationToken;

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Command: `scripts/bench-incidents.sh` (= `imapauto bench incidents --ingests {ingests} --storm-events {stormEvents}` against a private Azurite 3.37.0 on loopback)");
        report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}; load average at start {LoadAverage()}; run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        report.AppendLine();
        report.AppendLine("| writers | incidents | ingest calls | incident writes | conflicts retried | seconds | incident updates/s |");
        report.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var writers in new[] { 1, 8 })
        {
            var line = await ThroughputAsync(connection, writers, ingests, token).ConfigureAwait(false);
            report.AppendLine(line);
            await context.Stdout.WriteLineAsync(line).ConfigureAwait(false);
        }

        report.AppendLine();
        var storm = await StormAsync(connection, stormEvents, token).ConfigureAwait(false);
        report.Append(storm);
        await context.Stdout.WriteLineAsync(storm).ConfigureAwait(false);

        if (options.TryGetValue("--output", out var output))
        {
            BenchmarkFile.WriteSection(output, "Incidents", report.ToString());
            await context.Stdout.WriteLineAsync($"written to {output}").ConfigureAwait(false);
        }

        return CliApp.Ok;
    }

    private static async Task<string> ThroughputAsync(string connection, int writers, int ingests, CancellationToken token)
    {
        var rig = await Rig.CreateAsync(connection, token).ConfigureAwait(false);
        var engines = Enumerable.Range(0, writers).Select(_ => rig.NewEngine()).ToArray();
        var start = DateTimeOffset.UtcNow;
        for (var i = 0; i < Incidents; i++)
        {
            await engines[0].IngestAsync(Detection(i, 0, start), token).ConfigureAwait(false);
        }

        long writes = 0, conflicts = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var n = w; n < ingests; n += writers)
            {
                var change = await engines[w].IngestAsync(Detection(n % Incidents, 1 + n, start), token).ConfigureAwait(false);
                Interlocked.Add(ref writes, change.Writes);
                Interlocked.Add(ref conflicts, change.Conflicts);
            }
        }, token))).ConfigureAwait(false);
        clock.Stop();
        return string.Create(CultureInfo.InvariantCulture,
            $"| {writers} | {Incidents} | {ingests} | {writes} | {conflicts} | {clock.Elapsed.TotalSeconds:F1} | {writes / clock.Elapsed.TotalSeconds:F0} |");
    }

    private static async Task<string> StormAsync(string connection, long events, CancellationToken token)
    {
        var rig = await Rig.CreateAsync(connection, token).ConfigureAwait(false);
        var batchers = Enumerable.Range(0, StormWriters)
            .Select(_ => new IncidentBatcher(rig.NewEngine(), Options.Create(rig.Policy), TimeProvider.System)).ToArray();
        var detections = (int)(events / EventsPerDetection);
        var start = DateTimeOffset.UtcNow;
        var changes = new HashSet<IncidentChange>(ReferenceEqualityComparer.Instance);
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, StormWriters).Select(w => Task.Run(async () =>
        {
            var mine = new List<IncidentChange>();
            for (var chunk = w; chunk * 250 < detections; chunk += StormWriters)
            {
                var adds = Enumerable.Range(chunk * 250, Math.Min(250, detections - (chunk * 250)))
                    .Select(n => batchers[w].AddAsync(Detection(0, n, start, EventsPerDetection), token));
                mine.AddRange(await Task.WhenAll(adds).ConfigureAwait(false));
            }

            return mine;
        }, token))).ConfigureAwait(false);
        clock.Stop();
        foreach (var change in results.SelectMany(r => r))
        {
            changes.Add(change);
        }

        var messages = await rig.CountMessagesAsync(token).ConfigureAwait(false);
        var incident = rig.Incidents.Query<TableEntity>("RowKey ge 'incident~' and RowKey lt 'incident~~'", cancellationToken: token).Single();
        var notifications = changes.Sum(c => c.Notifications.Count);
        return string.Create(CultureInfo.InvariantCulture, $"""
            Storm amplification ({StormWriters} writers, each with its own batcher as separate Functions instances would have, one server and cause, {EventsPerDetection} events per detection):

            | events in | detections in | incident writes | queue messages out | notifications out | events counted | seconds |
            | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
            | {events} | {detections} | {changes.Sum(c => c.Writes)} | {messages} | {notifications} | {incident.GetInt64("EventCount")} | {clock.Elapsed.TotalSeconds:F1} |

            Incident writes per writer per second: {changes.Sum(c => c.Writes) / (double)StormWriters / clock.Elapsed.TotalSeconds:F2}
            (the first write of a quiet incident is immediate, then at most one per {rig.Policy.CounterFlushInterval.TotalSeconds:F0} s per incident and process, so writes grow with
            incidents, instances and time, not with events). The 1- and 8-writer rows above are unbatched `IngestAsync` calls
            on {Incidents} incidents: every call is one read and one ETag transaction; "conflicts retried" are the lost races.

            """);
    }

    private static Detection Detection(int incident, int minute, DateTimeOffset start, long events = 10) =>
        new($"ex{incident:D2}.bench.example", IncidentKind.ImapCertificateBinding, events, start.AddSeconds(minute), start.AddSeconds(minute + 1),
            [new EvidenceItem("MSExchangeIMAP4", 1102, events)],
            [RunbookNames.GetImapDiagnostics, RunbookNames.SetImapCertificate, RunbookNames.RestartImapServices]);

    /// <summary>The machine is shared: the 1-minute load average says how much else was running.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static Dictionary<string, string>? ParseOptions(string[] args)
    {
        if (args.Length % 2 != 0)
        {
            return null;
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }

        return options;
    }

    /// <summary>Fresh tables and queue per scenario, a random signing key per run.</summary>
    private sealed class Rig
    {
        private readonly RunbookRequestSigner _signer = new(new RunbookKeyRing("bench", RandomNumberGenerator.GetBytes(32)));

        private Rig(string connection)
        {
            var suffix = Guid.NewGuid().ToString("N")[..10];
            Incidents = new TableClient(connection, "BenchIncidents" + suffix);
            Ledger = new RequestLedger(new TableClient(connection, "BenchLedger" + suffix), TimeProvider.System);
            Queue = new QueueClient(connection, "bench-requests-" + suffix);
        }

        public TableClient Incidents { get; }

        public RequestLedger Ledger { get; }

        public QueueClient Queue { get; }

        public PolicyOptions Policy { get; } = new();

        public static async Task<Rig> CreateAsync(string connection, CancellationToken token)
        {
            var rig = new Rig(connection);
            await rig.Incidents.CreateIfNotExistsAsync(token).ConfigureAwait(false);
            await rig.Ledger.Table.CreateIfNotExistsAsync(token).ConfigureAwait(false);
            await rig.Queue.CreateIfNotExistsAsync(cancellationToken: token).ConfigureAwait(false);
            return rig;
        }

        public IncidentEngine NewEngine() => new(Incidents, Ledger, new RunbookRequestDispatcher(Queue, Ledger, TimeProvider.System), _signer,
            Options.Create(Policy), TimeProvider.System, NullLogger<IncidentEngine>.Instance);

        public async Task<int> CountMessagesAsync(CancellationToken token)
        {
            var count = 0;
            while ((await Queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), token).ConfigureAwait(false)).Value is { Length: > 0 } batch)
            {
                count += batch.Length;
            }

            return count;
        }
    }
}

/// <summary>The incident-store pass, in the development build only (the native build leaves this file out).</summary>
internal static partial class BenchCommand
{
    static partial void UseDevelopmentPasses(ref Func<CliContext, Task<int>> incidents) => incidents = BenchIncidentsCommand.RunAsync;
}
