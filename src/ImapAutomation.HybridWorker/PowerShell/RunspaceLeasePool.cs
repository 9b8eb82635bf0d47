using System.Collections.Concurrent;
using System.Management.Automation.Runspaces;

namespace ImapAutomation.HybridWorker.PowerShell;

/// <summary>
/// Open runspaces reused across runs, at most <c>max</c> at once. Not PowerShell's own RunspacePool: each runspace
/// here is set up once (modules, the Exchange session) and one whose pipeline had to be stopped is thrown away.
/// </summary>
internal sealed class RunspaceLeasePool(int max, Func<Runspace> create) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(max, max);
    private readonly ConcurrentBag<Runspace> _idle = [];
    private int _created;
    private volatile bool _disposed;

    /// <summary>How many runspaces were opened in total (a warm pool opens no more).</summary>
    public int Created => Volatile.Read(ref _created);

    public async Task<Runspace> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (_idle.TryTake(out var idle))
            {
                if (idle.RunspaceStateInfo.State == RunspaceState.Opened && idle.RunspaceAvailability == RunspaceAvailability.Available)
                {
                    return idle;
                }

                idle.Dispose();
            }

            // Opening a runspace imports modules and may connect to Exchange: keep it off the caller's thread.
            var runspace = await Task.Run(create, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _created);
            return runspace;
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    public void Return(Runspace runspace, bool reusable)
    {
        if (reusable && !_disposed)
        {
            _idle.Add(runspace);
        }
        else
        {
            runspace.Dispose();
        }

        _slots.Release();
    }

    /// <summary>For a runspace whose pipeline would not stop: its slot is freed, the runspace is left to its thread.</summary>
    public void Abandon() => _slots.Release();

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var runspace))
        {
            runspace.Dispose();
        }

        _slots.Dispose();
    }
}
