using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.LocalParts.Azurite;
using ImapAutomation.LocalParts.Processes;

namespace ImapAutomation.Cli.Demo;

/// <summary>
/// <c>imapauto demo latency</c>: the push path's latency with runbook time taken out. Each run opens a new incident on
/// its own server through <c>ReceiveEvents</c> and times (1) from the post to the incident card at the Teams sink and
/// (2) from the last runbook result put on the results queue to the result card. An instant worker answers every
/// request as soon as it is queued, so only the cloud side and the queues are measured.
/// </summary>
internal static class DemoLatency
{
    public const string Usage = "Usage: imapauto demo latency [--runs 100] [--write docs/benchmarks.md]";
    private const string Section = "Demo push-path latency";

    public static async Task<int> RunAsync(CliContext context, string[] args)
    {
        var runs = 100;
        string? write = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--runs" && i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out runs) && runs is >= 5 and <= 500)
            {
                continue;
            }

            if (args[i] == "--write" && i + 1 < args.Length)
            {
                write = args[++i];
                continue;
            }

            await context.Stderr.WriteLineAsync($"demo latency: bad option '{args[i]}' (--runs takes 5 to 500).\n{Usage}").ConfigureAwait(false);
            return CliApp.UsageError;
        }

        try
        {
            var (opened, result) = await MeasureAsync(runs, context.Stderr, context.CancellationToken).ConfigureAwait(false);
            var body = Report(runs, opened, result);
            await context.Stdout.WriteLineAsync(body).ConfigureAwait(false);
            if (write is not null)
            {
                Bench.BenchmarkFile.WriteSection(write, Section, body);
                await context.Stderr.WriteLineAsync($"wrote section '{Section}' of {write}").ConfigureAwait(false);
            }

            return CliApp.Ok;
        }
        catch (Exception ex) when (ex is DemoException or LocalPartException)
        {
            await context.Stderr.WriteLineAsync("demo latency: " + ex.Message).ConfigureAwait(false);
            return DemoCommand.PartFailed;
        }
    }

    private static async Task<(List<double> Opened, List<double> Result)> MeasureAsync(int runs, TextWriter progress, CancellationToken cancellationToken)
    {
        var paths = DemoPaths.Find();
        var data = Directory.CreateTempSubdirectory("imapauto-latency-").FullName;
        try
        {
            // Run 0 warms up (JIT, first table and queue calls) and is not counted.
            var servers = Enumerable.Range(0, runs + 1).Select(i => string.Create(CultureInfo.InvariantCulture, $"bench{i:D3}.contoso.com")).ToList();
            var settings = servers.Select((s, i) => new KeyValuePair<string, string?>($"Functions:Servers:{i + 2}", s))
                // Each run is its own server with the same cause: the fleet breaker would rightly stop them all after 3.
                .Append(new("Policy:FleetBreakerServers", "1000"));
            await using var sink = TeamsSink.Start(data);
            await using var storage = await AzuriteServer.StartAsync(paths.Azurite, Path.Combine(data, "azurite"), cancellationToken).ConfigureAwait(false);
            var key = RandomNumberGenerator.GetBytes(32);
            await using var cloud = await LocalCloud.StartAsync(storage.ConnectionString, "bench", key, sink.Url, cancellationToken, settings).ConfigureAwait(false);
            if (!cloud.PostsCards)
            {
                throw new DemoException("the Functions app wires no Teams notifier, so no card is posted: there is no latency to measure.");
            }

            cloud.Run(TimeSpan.FromSeconds(1));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var lastResults = new System.Collections.Concurrent.ConcurrentDictionary<string, long>(StringComparer.OrdinalIgnoreCase);
            var worker = InstantWorkerAsync(cloud, new RunbookResultSigner(new RunbookKeyRing("bench", key)), lastResults, stop.Token);
            var opened = new List<double>();
            var result = new List<double>();
            try
            {
                foreach (var server in servers)
                {
                    var name = server[..server.IndexOf('.', StringComparison.Ordinal)];
                    var before = sink.Cards.Count;
                    var start = Stopwatch.GetTimestamp();
                    var (summary, problem) = await cloud.PostEventsAsync(Storm(server), cancellationToken).ConfigureAwait(false);
                    if (summary is null)
                    {
                        throw new DemoException($"ReceiveEvents refused the events of {server}: {problem}");
                    }

                    var card = await WaitForCardAsync(sink, before, name, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
                    var openedMs = Stopwatch.GetElapsedTime(start, card.Timestamp).TotalMilliseconds;
                    var incident = IncidentIdFor(server);
                    await WaitForAsync(async () => (await cloud.Engine.GetAsync(incident, cancellationToken).ConfigureAwait(false))?.IsClosed == true,
                        TimeSpan.FromSeconds(60), $"{incident} did not close", cancellationToken).ConfigureAwait(false);
                    var last = lastResults[server];
                    var closing = await WaitForCardAsync(sink, 0, name, TimeSpan.FromSeconds(30), cancellationToken, after: last).ConfigureAwait(false);
                    if (server != servers[0])
                    {
                        opened.Add(openedMs);
                        result.Add(Stopwatch.GetElapsedTime(last, closing.Timestamp).TotalMilliseconds);
                    }

                    if (opened.Count > 0 && opened.Count % 10 == 0)
                    {
                        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{opened.Count}/{runs} runs")).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                try
                {
                    await worker.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            return (opened, result);
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    private static string IncidentIdFor(string server) => Core.Incidents.IncidentIds.For(server, IncidentKind.ImapCertificateBinding);

    /// <summary>Answers each request at once (Succeeded; Test-ImapTls passed) and notes when each server's result was sent.</summary>
    private static async Task InstantWorkerAsync(LocalCloud cloud, RunbookResultSigner signer, System.Collections.Concurrent.ConcurrentDictionary<string, long> lastResults, CancellationToken cancellationToken)
    {
        var requests = cloud.Queue(StorageNames.RequestsQueue);
        var results = cloud.Queue(StorageNames.ResultsQueue);
        while (!cancellationToken.IsCancellationRequested)
        {
            var messages = (await requests.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false)).Value;
            foreach (var message in messages)
            {
                var request = RunbookContract.ParseRequest(message.MessageText).Value
                    ?? throw new DemoException("the engine queued a request the contract cannot read");
                var now = DateTimeOffset.UtcNow;
                var verified = request.Runbook == RunbookNames.TestImapTls;
                var result = signer.Sign(new RunbookResult
                {
                    SchemaVersion = RunbookResult.CurrentSchemaVersion,
                    RequestId = request.RequestId,
                    Status = RunbookStatus.Succeeded,
                    StartedAt = now,
                    CompletedAt = now,
                    Verification = verified ? VerificationOutcome.Passed : VerificationOutcome.NotRun,
                    VerificationDetail = verified ? "Test-ImapTls: Success (latency benchmark, no endpoint)" : null,
                });
                lastResults[request.TargetServer] = Stopwatch.GetTimestamp();
                await results.SendMessageAsync(RunbookContract.Serialize(result), cancellationToken).ConfigureAwait(false);
                await requests.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
            }

            if (messages.Length == 0)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<PostedCard> WaitForCardAsync(TeamsSink sink, int skip, string server, TimeSpan timeout, CancellationToken cancellationToken, long after = 0)
    {
        PostedCard? found = null;
        await WaitForAsync(() =>
        {
            found = sink.Cards.Skip(skip).FirstOrDefault(c => c.Timestamp > after && c.Card.ToJsonString().Contains(server, StringComparison.OrdinalIgnoreCase));
            return Task.FromResult(found is not null);
        }, timeout, $"no card about {server} reached the sink within {timeout.TotalSeconds:0} s", cancellationToken).ConfigureAwait(false);
        return found!;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string failure, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!await condition().ConfigureAwait(false))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new DemoException(failure);
            }

            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A forwarder's post for one server: two 1102 and a short Schannel burst, enough for one certificate detection.</summary>
    private static StormBatch Storm(string server)
    {
        var now = DateTime.UtcNow;
        var events = new StringBuilder();
        for (var i = 0; i < 20; i++)
        {
            var (provider, id, channel, data) = i % 10 == 0
                ? ("MSExchangeIMAP4", 1102, "Application", "<Data>VirtualServer 0.0.0.0:993</Data>")
                : ("Schannel", 36888, "System", "<Data Name=\"AlertDesc\">40</Data><Data Name=\"ErrorState\">1205</Data>");
            events.Append(CultureInfo.InvariantCulture,
                $"<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><Provider Name=\"{provider}\" /><EventID>{id}</EventID><Level>2</Level><TimeCreated SystemTime=\"{now.AddSeconds(i - 30):yyyy-MM-ddTHH:mm:ss.fffffff}Z\" /><EventRecordID>{i + 1}</EventRecordID><Channel>{channel}</Channel><Computer>{server}</Computer></System><EventData>{data}</EventData></Event>\n");
        }

        return new StormBatch(events.ToString(), "application/xml", 20);
    }

    private static string Report(int runs, List<double> opened, List<double> result)
    {
        static double P(List<double> values, double q)
        {
            var sorted = values.Order().ToList();
            return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
        }

        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by `imapauto demo latency --runs {runs} --write docs/benchmarks.md`:");
        text.AppendLine("real Azurite, the Functions app's own wiring and function classes in process, the local Teams sink (Workflows webhook");
        text.AppendLine("transport), an instant worker (runbook time excluded), the engine's timer every second; runs one after another,");
        text.AppendLine("each a new incident on its own server, after one uncounted warm-up run.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} cores (shared), {RuntimeInformation.OSDescription}, .NET {Environment.Version}; load average {load} at the end.");
        text.AppendLine();
        text.AppendLine("| path | runs | p50 ms | p95 ms | max ms | target |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| event posted to ReceiveEvents -> incident card at the sink | {opened.Count} | {P(opened, 0.5):0} | {P(opened, 0.95):0} | {opened.Max():0} | p95 < 1000 ({(P(opened, 0.95) < 1000 ? "met" : "not met")}) |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| last runbook result queued -> result card at the sink | {result.Count} | {P(result, 0.5):0} | {P(result, 0.95):0} | {result.Max():0} | p95 < 1000 ({(P(result, 0.95) < 1000 ? "met" : "not met")}) |");
        return text.ToString();
    }
}
