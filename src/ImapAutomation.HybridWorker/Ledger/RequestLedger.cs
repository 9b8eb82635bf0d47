using System.Text;
using System.Text.Json;
using ImapAutomation.HybridWorker.Dispatch;

namespace ImapAutomation.HybridWorker.Ledger;

/// <summary>
/// A durable record of which requests this worker started and how they ended: an append-only JSON-lines file,
/// flushed to disk (fsync) before a run starts and before its result is posted. A redelivered request that is
/// already in it is re-reported, never re-run. The file is held exclusively (an flock on Linux), so two workers cannot share it.
/// </summary>
public sealed class RequestLedger : IDisposable
{
    private readonly Dictionary<Guid, LedgerEntry> _entries = [];
    private readonly HashSet<Guid> _startedHere = [];
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly TimeProvider _time;
    private FileStream _file;

    private RequestLedger(string path, TimeProvider time, FileStream file)
    {
        Path = path;
        _time = time;
        _file = file;
    }

    public string Path { get; }

    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Opens (or creates) the ledger, reads it, repairs a torn last line left by a crash mid-write, and drops
    /// completed entries older than <paramref name="retention"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">A line other than the last is not a ledger line.</exception>
    /// <exception cref="IOException">Another process holds the ledger.</exception>
    public static RequestLedger Open(string path, TimeProvider time, TimeSpan retention)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(time);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var ledger = new RequestLedger(path, time, OpenExclusive(path));
        try
        {
            ledger.Load();
            ledger.Compact(retention);
            return ledger;
        }
        catch
        {
            ledger.Dispose();
            throw;
        }
    }

    public LedgerEntry? Find(Guid requestId)
    {
        lock (_entries)
        {
            return _entries.GetValueOrDefault(requestId);
        }
    }

    /// <summary>True when this instance (this process) recorded the start: the run may still be going, not crashed.</summary>
    public bool StartedHere(Guid requestId)
    {
        lock (_entries)
        {
            return _startedHere.Contains(requestId);
        }
    }

    /// <summary>Records, durably, that a run is about to start.</summary>
    /// <exception cref="InvalidOperationException">The request was already started.</exception>
    public async Task RecordStartedAsync(Guid requestId, string runbook, string server, CancellationToken cancellationToken)
    {
        var at = _time.GetUtcNow();
        lock (_entries)
        {
            if (_entries.ContainsKey(requestId))
            {
                throw new InvalidOperationException($"Request {requestId} is already in the ledger.");
            }

            _entries[requestId] = new LedgerEntry(requestId, runbook, server, at);
            _startedHere.Add(requestId);
        }

        await AppendAsync(new LedgerLine { Type = LedgerLine.Started, RequestId = requestId, At = at, Runbook = runbook, Server = server }, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Records, durably, how a started run ended.</summary>
    public async Task RecordCompletedAsync(RunbookOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        lock (_entries)
        {
            if (!_entries.TryGetValue(outcome.RequestId, out var entry))
            {
                throw new InvalidOperationException($"Request {outcome.RequestId} was never started.");
            }

            _entries[outcome.RequestId] = entry with { Outcome = outcome };
        }

        await AppendAsync(new LedgerLine { Type = LedgerLine.Completed, RequestId = outcome.RequestId, At = _time.GetUtcNow(), Outcome = outcome }, cancellationToken)
            .ConfigureAwait(false);
    }

    public void Dispose()
    {
        _file.Dispose();
        _write.Dispose();
    }

    private static FileStream OpenExclusive(string path) =>
        new(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.None);

    private async Task AppendAsync(LedgerLine line, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(line, LedgerJsonContext.Default.LedgerLine);
        await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _file.Seek(0, SeekOrigin.End);
            await _file.WriteAsync(bytes.Append((byte)'\n').ToArray(), CancellationToken.None).ConfigureAwait(false);
            // Through the OS cache to the disk: the entry must survive a power cut, not just a process crash.
            _file.Flush(flushToDisk: true);
        }
        finally
        {
            _write.Release();
        }
    }

    private void Load()
    {
        _file.Seek(0, SeekOrigin.Begin);
        var content = new byte[_file.Length];
        _file.ReadExactly(content);
        var lineNumber = 0;
        var start = 0;
        while (start < content.Length)
        {
            lineNumber++;
            var newline = Array.IndexOf(content, (byte)'\n', start);
            var end = newline < 0 ? content.Length : newline;
            var isLast = end >= content.Length - 1;
            var text = Encoding.UTF8.GetString(content, start, end - start);
            if (!string.IsNullOrWhiteSpace(text))
            {
                LedgerLine line;
                try
                {
                    line = JsonSerializer.Deserialize(text, LedgerJsonContext.Default.LedgerLine) ?? throw new JsonException("null line");
                }
                catch (JsonException) when (isLast)
                {
                    // A torn write from a crash: cut it off; the run it described is known only as far as the line before.
                    _file.SetLength(start);
                    _file.Flush(flushToDisk: true);
                    return;
                }
                catch (JsonException ex)
                {
                    throw new InvalidDataException($"Ledger {Path}, line {lineNumber}: not a ledger line ({ex.Message}).", ex);
                }

                Apply(line, lineNumber);
            }

            start = end + 1;
        }

        if (content.Length > 0 && content[^1] != (byte)'\n')
        {
            _file.Seek(0, SeekOrigin.End);
            _file.WriteByte((byte)'\n');
            _file.Flush(flushToDisk: true);
        }
    }

    private void Apply(LedgerLine line, int lineNumber)
    {
        switch (line.Type)
        {
            case LedgerLine.Started when line.Runbook is not null && line.Server is not null:
                _entries[line.RequestId] = new LedgerEntry(line.RequestId, line.Runbook, line.Server, line.At);
                break;
            case LedgerLine.Completed when line.Outcome is not null && _entries.TryGetValue(line.RequestId, out var entry):
                _entries[line.RequestId] = entry with { Outcome = line.Outcome };
                break;
            default:
                throw new InvalidDataException($"Ledger {Path}, line {lineNumber}: a '{line.Type}' line for {line.RequestId} that does not fit.");
        }
    }

    private void Compact(TimeSpan retention)
    {
        var cutoff = _time.GetUtcNow() - retention;
        var stale = _entries.Values.Where(e => e.IsCompleted && e.Outcome!.CompletedAt < cutoff).Select(e => e.RequestId).ToList();
        if (stale.Count == 0)
        {
            return;
        }

        foreach (var id in stale)
        {
            _entries.Remove(id);
        }

        // Written beside the ledger, flushed, then renamed over it: a crash leaves either the old file or the new one.
        var temp = Path + ".compact";
        using (var compacted = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var entry in _entries.Values.OrderBy(e => e.StartedAt))
            {
                Write(compacted, new LedgerLine { Type = LedgerLine.Started, RequestId = entry.RequestId, At = entry.StartedAt, Runbook = entry.Runbook, Server = entry.Server });
                if (entry.Outcome is { } outcome)
                {
                    Write(compacted, new LedgerLine { Type = LedgerLine.Completed, RequestId = entry.RequestId, At = outcome.CompletedAt, Outcome = outcome });
                }
            }

            compacted.Flush(flushToDisk: true);
        }

        _file.Dispose();
        File.Move(temp, Path, overwrite: true);
        _file = OpenExclusive(Path);

        static void Write(Stream stream, LedgerLine line)
        {
            JsonSerializer.Serialize(stream, line, LedgerJsonContext.Default.LedgerLine);
            stream.WriteByte((byte)'\n');
        }
    }
}
