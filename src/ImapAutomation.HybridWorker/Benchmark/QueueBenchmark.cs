using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Queues;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.HybridWorker.Concurrency;
using ImapAutomation.HybridWorker.Dispatch;
using ImapAutomation.HybridWorker.Ledger;
using ImapAutomation.HybridWorker.PowerShell;
using ImapAutomation.HybridWorker.Queue;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImapAutomation.HybridWorker.Benchmark;

/// <summary>What the run through the real queues measured.</summary>
internal sealed record QueueFigures(
    int Requests, int Servers, int SleepMilliseconds, int BatchSize, double Seconds,
    IReadOnlyList<double> ReceiveCalls, int Received, IReadOnlyList<double> Posts, IReadOnlyList<double> Deletes, IReadOnlyList<double> Renewals);

/// <summary>
/// Signed requests through Azurite queues and the worker's own loop: <see cref="RequestLoop"/> receives,
/// <see cref="RequestProcessor"/> verifies, runs through the ledger on the warm pool, posts the result and deletes the
/// request. Every queue call is timed where the loop makes it, so the per-request queue cost is measured, not inferred.
/// </summary>
internal static class QueueBenchmark
{
    private static readonly JsonElement True = JsonDocument.Parse("true").RootElement.Clone();

    private static string Script(int sleepMilliseconds) => $$"""
        [CmdletBinding(SupportsShouldProcess)]
        param([Parameter(Mandatory)][string] $Server, [switch] $Force)
        Start-Sleep -Milliseconds {{sleepMilliseconds.ToString(CultureInfo.InvariantCulture)}}
        [pscustomobject]@{ before = @{ running = $false }; after = @{ running = $true }; changed = $true; messages = @("restarted on $Server") }
        """;

    public static async Task<QueueFigures> RunAsync(
        string connectionString, PowerShellRunbookRunner runner, DirectoryInfo folder, int requests, int servers, int sleepMilliseconds, CancellationToken cancellationToken)
    {
        var catalog = Directory.CreateDirectory(Path.Combine(folder.FullName, "queue-runbooks"));
        await File.WriteAllTextAsync(Path.Combine(catalog.FullName, RunbookNames.RestartImapServices + ".ps1"), Script(sleepMilliseconds), cancellationToken)
            .ConfigureAwait(false);
        var dispatcher = new LocalPowerShellDispatcher(runner, Options.Create(new RunbookCatalogOptions { RunbookRoot = catalog.FullName }), TimeProvider.System);
        using var gate = new ExecutionGate(4);
        using var ledger = RequestLedger.Open(Path.Combine(folder.FullName, "queue-ledger.jsonl"), TimeProvider.System, TimeSpan.FromDays(14));
        var executor = new ExactlyOnceExecutor(ledger, gate, dispatcher, TimeProvider.System, NullLogger<ExactlyOnceExecutor>.Instance);

        var keys = new RunbookKeyRing("bench", RandomNumberGenerator.GetBytes(32));
        var service = new QueueServiceClient(connectionString);
        var requestQueue = service.GetQueueClient(StorageNames.RequestsQueue);
        var resultQueue = service.GetQueueClient(StorageNames.ResultsQueue);
        foreach (var queue in new[] { requestQueue, resultQueue, service.GetQueueClient(StorageNames.RequestsPoisonQueue) })
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var signer = new RunbookRequestSigner(keys);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < requests; i++)
        {
            var server = Server(i % servers);
            var request = signer.Sign(new RunbookRequest
            {
                SchemaVersion = RunbookRequest.CurrentSchemaVersion,
                RequestId = RunbookRequestIds.For($"{server}/{IncidentKind.TlsHandshakeFailure}", 1, i, 1),
                IncidentId = $"{server}/{IncidentKind.TlsHandshakeFailure}",
                Runbook = RunbookNames.RestartImapServices,
                TargetServer = server,
                Parameters = new Dictionary<string, JsonElement> { ["Force"] = True },
                NotBefore = now.AddMinutes(-1),
                ExpiresAt = now.AddHours(1),
                RequestedBy = "system",
            });
            await requestQueue.SendMessageAsync(RunbookContract.Serialize(request), cancellationToken).ConfigureAwait(false);
        }

        var loopOptions = new RequestLoopOptions { ConnectionString = connectionString, PollInterval = TimeSpan.FromMilliseconds(100) };
        foreach (var i in Enumerable.Range(0, servers))
        {
            loopOptions.AllowedServers.Add(Server(i));
        }

        var timings = new Timings(requests);
        var queues = new RequestQueues(
            new TimedSource(new StorageQueueRequestSource(requestQueue), timings),
            new TimedSink(new StorageQueueResultSink(resultQueue), timings),
            new StorageQueueResultSink(service.GetQueueClient(StorageNames.RequestsPoisonQueue)));
        var verifier = new RunbookRequestVerifier(keys, TimeProvider.System, new RunbookSigningOptions());
        var processor = new RequestProcessor(verifier, new RunbookResultSigner(keys), executor, queues, Options.Create(loopOptions), TimeProvider.System, NullLogger<RequestProcessor>.Instance);
        using var loop = new RequestLoop(processor, queues, Options.Create(loopOptions), TimeProvider.System, NullLogger<RequestLoop>.Instance);

        var watch = Stopwatch.StartNew();
        await loop.StartAsync(cancellationToken).ConfigureAwait(false);
        await timings.AllDeleted.Task.WaitAsync(TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
        var seconds = watch.Elapsed.TotalSeconds;
        await loop.StopAsync(cancellationToken).ConfigureAwait(false);

        await CheckAsync(timings, new RunbookResultSigner(keys), requestQueue, resultQueue, requests, cancellationToken).ConfigureAwait(false);
        return new QueueFigures(requests, servers, sleepMilliseconds, loopOptions.BatchSize, seconds,
            [.. timings.ReceiveCalls], timings.Received, [.. timings.Posts], [.. timings.Deletes], [.. timings.Renewals]);
    }

    private static string Server(int index) => $"ex{index.ToString("D2", CultureInfo.InvariantCulture)}.lab.example";

    /// <summary>A figure from a run that did not do the work is worthless: every request ran, was answered once with a signed result, and is gone.</summary>
    private static async Task CheckAsync(Timings timings, RunbookResultSigner signatures, QueueClient requests, QueueClient results, int expected, CancellationToken cancellationToken)
    {
        var bodies = timings.Bodies.ToList();
        var parsed = bodies.Select(RunbookContract.ParseResult).ToList();
        var failures = parsed.Where(p => p.Value?.Status != RunbookStatus.Succeeded || signatures.Verify(p.Value) is not null)
            .Select(p => p.Reason ?? signatures.Verify(p.Value!) ?? p.Value!.Error).ToList();
        if (bodies.Count != expected || failures.Count > 0 || parsed.Select(p => p.Value!.RequestId).Distinct(StringComparer.Ordinal).Count() != expected)
        {
            throw new InvalidOperationException(
                $"Queue benchmark: {bodies.Count} results for {expected} requests, {failures.Count} not succeeded: {failures.FirstOrDefault()}");
        }

        var left = (await requests.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;
        var posted = (await results.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;
        if (left != 0 || posted != expected)
        {
            throw new InvalidOperationException($"Queue benchmark: {left} requests left in the queue, {posted} results on the results queue (expected 0 and {expected}).");
        }
    }

    private sealed class Timings(int expected)
    {
        private int _received;
        private int _deleted;

        public ConcurrentQueue<double> ReceiveCalls { get; } = new();

        public ConcurrentQueue<double> Posts { get; } = new();

        public ConcurrentQueue<double> Deletes { get; } = new();

        public ConcurrentQueue<double> Renewals { get; } = new();

        public ConcurrentQueue<string> Bodies { get; } = new();

        public TaskCompletionSource AllDeleted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Received => Volatile.Read(ref _received);

        public void AddReceived(int count) => Interlocked.Add(ref _received, count);

        public void AddDeleted(double milliseconds)
        {
            Deletes.Enqueue(milliseconds);
            if (Interlocked.Increment(ref _deleted) == expected)
            {
                AllDeleted.TrySetResult();
            }
        }
    }

    private sealed class TimedSource(IRequestSource inner, Timings timings) : IRequestSource
    {
        public async Task<IReadOnlyList<IReceivedRequest>> ReceiveAsync(int maxMessages, TimeSpan visibility, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            var messages = await inner.ReceiveAsync(maxMessages, visibility, cancellationToken).ConfigureAwait(false);
            if (messages.Count > 0)
            {
                // Empty polls after the last message are the loop idling, not the cost of a request.
                timings.ReceiveCalls.Enqueue(watch.Elapsed.TotalMilliseconds);
                timings.AddReceived(messages.Count);
            }

            return [.. messages.Select(m => new TimedReceived(m, timings))];
        }
    }

    private sealed class TimedReceived(IReceivedRequest inner, Timings timings) : IReceivedRequest
    {
        public string MessageId => inner.MessageId;

        public string Body => inner.Body;

        public long DequeueCount => inner.DequeueCount;

        public async Task RenewAsync(TimeSpan visibility, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            await inner.RenewAsync(visibility, cancellationToken).ConfigureAwait(false);
            timings.Renewals.Enqueue(watch.Elapsed.TotalMilliseconds);
        }

        public async Task DeleteAsync(CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            await inner.DeleteAsync(cancellationToken).ConfigureAwait(false);
            timings.AddDeleted(watch.Elapsed.TotalMilliseconds);
        }
    }

    private sealed class TimedSink(IResultSink inner, Timings timings) : IResultSink
    {
        public async Task PostAsync(string body, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            await inner.PostAsync(body, cancellationToken).ConfigureAwait(false);
            timings.Posts.Enqueue(watch.Elapsed.TotalMilliseconds);
            timings.Bodies.Enqueue(body);
        }
    }
}
