using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ImapAutomation.LocalParts.Processes;

/// <summary>
/// A process started for a local run (Azurite, Dovecot, a worker): the tail of its output for error messages, a wait
/// for its TCP port with a deadline, and the whole process tree killed on dispose, so neither a failure nor Ctrl+C
/// leaves anything running.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    // Enough for a stack trace; a chatty server must not grow the caller's memory without bound.
    private const int KeptChars = 32 * 1024;
    private readonly Process _process;
    private readonly StringBuilder _tail = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>What the process is, for messages (e.g. "Azurite").</summary>
    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote to stdout and stderr.</summary>
    public string Output
    {
        get
        {
            lock (_tail)
            {
                return _tail.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="fileName"/> with each argument passed as is (never spliced into a command line).</summary>
    /// <exception cref="LocalPartException">The program could not be started (not installed, not executable).</exception>
    public static ChildProcess Start(
        string name, string fileName, IEnumerable<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (variable, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[variable] = value;
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new LocalPartException($"{name}: could not start {fileName} ({ex.Message}). Run scripts/bootstrap.sh first.", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits until something accepts TCP on the loopback port, failing early (with the output) if the process died.</summary>
    /// <exception cref="LocalPartException">The process exited first, or nothing listened within <paramref name="timeout"/>.</exception>
    public async Task WaitForPortAsync(int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (_process.HasExited)
            {
                await DrainOutputAsync().ConfigureAwait(false);
                throw new LocalPartException($"{Name} exited with code {_process.ExitCode} before listening on 127.0.0.1:{port}. Its output:\n{Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, deadline.Token).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw NotListening(port, timeout);
            }

            try
            {
                await Task.Delay(50, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw NotListening(port, timeout);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or Win32Exception)
        {
            // Already gone, or not stoppable: nothing more this process can do about it.
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <summary>
    /// Lets the output readers reach the end of the exited process's pipes, so its last words (often why it exited) are
    /// in <see cref="Output"/>; bounded, as a grandchild may still hold the pipes open.
    /// </summary>
    private async Task DrainOutputAsync()
    {
        using var drained = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _process.WaitForExitAsync(drained.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The pipes stay open: report what arrived.
        }
    }

    private LocalPartException NotListening(int port, TimeSpan timeout) =>
        new($"{Name} did not listen on 127.0.0.1:{port} within {timeout.TotalSeconds:0} s. Its output:\n{Output}");

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.AppendLine(line);
            if (_tail.Length > KeptChars)
            {
                _tail.Remove(0, _tail.Length - KeptChars);
            }
        }
    }
}
