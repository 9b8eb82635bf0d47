using ImapAutomation.HybridWorker.Concurrency;
using ImapAutomation.HybridWorker.Dispatch;
using ImapAutomation.HybridWorker.Ledger;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImapAutomation.HybridWorker.Tests.Ledger;

public sealed class ExactlyOnceExecutorTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("imapauto-once-");
    private readonly ExecutionGate _gate = new(4);
    private readonly RecordingDispatcher _dispatcher = new();
    private RequestLedger _ledger;

    public ExactlyOnceExecutorTests() => _ledger = OpenLedger();

    [Fact]
    public async Task ExecuteAsync_Redelivered_ReReportsWithoutRunningAgain()
    {
        var dispatch = Dispatch("ex01");

        var first = await Executor().ExecuteAsync(dispatch, CancellationToken.None);
        var second = await Executor().ExecuteAsync(dispatch, CancellationToken.None);

        Assert.Equal(1, _dispatcher.Calls);
        Assert.False(first.Replayed);
        Assert.True(second.Replayed);
        Assert.Equal(first.Status, second.Status);
        Assert.Equal(first.Messages, second.Messages);
    }

    [Fact]
    public async Task ExecuteAsync_RedeliveredAfterWorkerRestart_ReReportsFromTheFile()
    {
        var dispatch = Dispatch("ex01");
        await Executor().ExecuteAsync(dispatch, CancellationToken.None);

        _ledger.Dispose();
        _ledger = OpenLedger();
        var again = await Executor().ExecuteAsync(dispatch, CancellationToken.None);

        Assert.Equal(1, _dispatcher.Calls);
        Assert.True(again.Replayed);
        Assert.Equal(RunbookOutcomeStatus.Succeeded, again.Status);
    }

    [Fact]
    public async Task ExecuteAsync_StartedButNeverCompleted_ReportsInterruptedAndDoesNotRun()
    {
        var dispatch = Dispatch("ex01");
        // What a worker killed mid-runbook leaves behind: a start without an end.
        await _ledger.RecordStartedAsync(dispatch.RequestId, dispatch.Runbook, dispatch.Server, CancellationToken.None);
        _ledger.Dispose();
        _ledger = OpenLedger();

        var outcome = await Executor().ExecuteAsync(dispatch, CancellationToken.None);
        var again = await Executor().ExecuteAsync(dispatch, CancellationToken.None);

        Assert.Equal(0, _dispatcher.Calls);
        Assert.Equal(RunbookOutcomeStatus.Interrupted, outcome.Status);
        Assert.Contains("not run again", outcome.FailureMessage, StringComparison.Ordinal);
        Assert.Equal(RunbookOutcomeStatus.Interrupted, again.Status);
        Assert.True(again.Replayed);
    }

    [Fact]
    public async Task ExecuteAsync_SameRequestDeliveredTwiceAtOnce_RunsOnce()
    {
        var dispatch = Dispatch("ex01");
        _dispatcher.Delay = TimeSpan.FromMilliseconds(200);

        var results = await Task.WhenAll(Executor().ExecuteAsync(dispatch, CancellationToken.None), Executor().ExecuteAsync(dispatch, CancellationToken.None));

        Assert.Equal(1, _dispatcher.Calls);
        Assert.Single(results, r => r.Replayed);
    }

    [Fact]
    public async Task ExecuteAsync_TwoRequestsForOneServer_RunOneAfterTheOther()
    {
        _dispatcher.Delay = TimeSpan.FromMilliseconds(150);

        await Task.WhenAll(Executor().ExecuteAsync(Dispatch("ex01"), CancellationToken.None), Executor().ExecuteAsync(Dispatch("EX01"), CancellationToken.None));

        Assert.Equal(2, _dispatcher.Calls);
        Assert.Equal(1, _dispatcher.MaxConcurrent);
    }

    [Fact]
    public async Task ExecuteAsync_RequestsForDifferentServers_RunTogether()
    {
        _dispatcher.Delay = TimeSpan.FromMilliseconds(300);

        await Task.WhenAll(Executor().ExecuteAsync(Dispatch("ex01"), CancellationToken.None), Executor().ExecuteAsync(Dispatch("ex02"), CancellationToken.None));

        Assert.Equal(2, _dispatcher.MaxConcurrent);
    }

    [Fact]
    public async Task ExecuteAsync_DispatcherRejectsTheRequest_RecordsAndReportsFailed()
    {
        _dispatcher.Reject = "Runbook 'Remove-Everything' is not in the catalog.";
        var dispatch = Dispatch("ex01");

        var outcome = await Executor().ExecuteAsync(dispatch, CancellationToken.None);

        Assert.Equal(RunbookOutcomeStatus.Failed, outcome.Status);
        Assert.Contains("not in the catalog", outcome.FailureMessage, StringComparison.Ordinal);
        Assert.True(_ledger.Find(dispatch.RequestId)!.IsCompleted);
    }

    public void Dispose()
    {
        _ledger.Dispose();
        _gate.Dispose();
        _temp.Delete(recursive: true);
    }

    private static RunbookDispatch Dispatch(string server) =>
        new(Guid.NewGuid(), "Set-ImapConnectionLimits", server, new Dictionary<string, object?> { ["MaxConnectionsPerUser"] = 200000L });

    private RequestLedger OpenLedger() => RequestLedger.Open(Path.Combine(_temp.FullName, "ledger.jsonl"), TimeProvider.System, TimeSpan.FromDays(14));

    private ExactlyOnceExecutor Executor() => new(_ledger, _gate, _dispatcher, TimeProvider.System, NullLogger<ExactlyOnceExecutor>.Instance);

    /// <summary>Counts runs and overlap; the back ends themselves are tested on their own.</summary>
    private sealed class RecordingDispatcher : IRunbookDispatcher
    {
        private int _calls;
        private int _inside;
        private int _maxConcurrent;

        public TimeSpan Delay { get; set; }

        public string? Reject { get; set; }

        public int Calls => Volatile.Read(ref _calls);

        public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

        public async Task<RunbookOutcome> DispatchAsync(RunbookDispatch dispatch, CancellationToken cancellationToken)
        {
            if (Reject is not null)
            {
                throw new ArgumentException(Reject, nameof(dispatch));
            }

            Interlocked.Increment(ref _calls);
            var now = Interlocked.Increment(ref _inside);
            lock (this)
            {
                _maxConcurrent = Math.Max(_maxConcurrent, now);
            }

            await Task.Delay(Delay, cancellationToken);
            Interlocked.Decrement(ref _inside);
            return new RunbookOutcome
            {
                RequestId = dispatch.RequestId, Runbook = dispatch.Runbook, Server = dispatch.Server, Status = RunbookOutcomeStatus.Succeeded,
                Backend = "Test", StartedAt = DateTimeOffset.UtcNow, CompletedAt = DateTimeOffset.UtcNow, Messages = [$"ran on {dispatch.Server}"],
            };
        }
    }
}
