namespace ImapAutomation.HybridWorker.Concurrency;

/// <summary>
/// The worker's admission: first the server's own lock, then one of the overall slots, so requests queued behind a
/// busy server hold no slot that another server could use.
/// </summary>
public sealed class ExecutionGate : IDisposable
{
    private readonly ServerLocks _servers = new();
    private readonly SemaphoreSlim _slots;

    public ExecutionGate(int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        MaxConcurrency = maxConcurrency;
        _slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
    }

    public int MaxConcurrency { get; }

    /// <summary>Runs admitted right now.</summary>
    public int Running => MaxConcurrency - _slots.CurrentCount;

    public async Task<IDisposable> EnterAsync(string server, CancellationToken cancellationToken)
    {
        var serverLease = await _servers.AcquireAsync(server, cancellationToken).ConfigureAwait(false);
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            serverLease.Dispose();
            throw;
        }

        return new Lease(_slots, serverLease);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Lease(SemaphoreSlim slots, IDisposable serverLease) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                slots.Release();
                serverLease.Dispose();
            }
        }
    }
}
