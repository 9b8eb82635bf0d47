using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ImapAutomation.Cli.Demo;

/// <summary>
/// A process the demo started (Azurite, Dovecot): the tail of its output for error messages, and the whole process
/// tree killed on dispose, so neither a failure nor Ctrl+C leaves anything running.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int KeptChars = 16 * 1024;
    private readonly Process _process;
    private readonly StringBuilder _tail = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return _tail.ToString();
            }
        }
    }

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new DemoException($"{name}: could not start {fileName} ({ex.Message}). Run scripts/bootstrap.sh first.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits until something accepts TCP on the loopback port, failing early (with the output) if the process died.</summary>
    public async Task WaitForPortAsync(int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new DemoException($"{Name} exited with code {_process.ExitCode} before listening on 127.0.0.1:{port}. Its output:\n{Tail}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, deadline.Token).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new DemoException($"{Name} did not listen on 127.0.0.1:{port} within {timeout.TotalSeconds:0} s. Its output:\n{Tail}");
            }

            try
            {
                await Task.Delay(50, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new DemoException($"{Name} did not listen on 127.0.0.1:{port} within {timeout.TotalSeconds:0} s. Its output:\n{Tail}");
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
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            // Already gone, or not stoppable: nothing more this process can do about it.
        }
        finally
        {
            _process.Dispose();
        }
    }

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

/// <summary>A demo part could not start or the run cannot go on; the message says which part and why.</summary>
internal sealed class DemoException(string message) : Exception(message);

/// <summary>Free loopback ports for the demo's parts.</summary>
internal static class LoopbackPorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
