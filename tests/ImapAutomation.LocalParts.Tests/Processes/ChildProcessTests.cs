using System.Diagnostics;
using ImapAutomation.LocalParts.Processes;

namespace ImapAutomation.LocalParts.Tests.Processes;

public sealed class ChildProcessTests
{
    [Fact]
    public async Task WaitForPortAsync_ProcessExitsFirst_SaysExitCodePortAndOutput()
    {
        var (message, port, _) = await WaitFailureAsync("Broken part", "echo 'listen failed: no such thing' >&2; exit 3", TimeSpan.FromSeconds(30));

        Assert.StartsWith($"Broken part exited with code 3 before listening on 127.0.0.1:{port}.", message, StringComparison.Ordinal);
        Assert.Contains("listen failed: no such thing", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForPortAsync_NothingListensInTime_SaysPortTimeoutAndOutput()
    {
        var (message, port, exited) = await WaitFailureAsync("Slow part", "echo warming up; exec sleep 60", TimeSpan.FromSeconds(2));

        Assert.StartsWith($"Slow part did not listen on 127.0.0.1:{port} within 2 s.", message, StringComparison.Ordinal);
        Assert.Contains("warming up", message, StringComparison.Ordinal);
        Assert.False(exited);
    }

    [Fact]
    public async Task WaitForPortAsync_SomethingListens_Returns()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        await using var child = ChildProcess.Start("Part", "sleep", ["60"]);

        await child.WaitForPortAsync(port, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.False(child.HasExited);
    }

    [Fact]
    public async Task WaitForPortAsync_CallerCancels_ThrowsCancellationNotTimeout()
    {
        await using var child = ChildProcess.Start("Part", "sleep", ["60"]);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => child.WaitForPortAsync(LoopbackPorts.Next(), TimeSpan.FromSeconds(30), cancel.Token));
    }

    [Fact]
    public void Start_ProgramMissing_SaysWhichPartAndProgram()
    {
        var error = Assert.Throws<LocalPartException>(() => ChildProcess.Start("Widget", "imapauto-no-such-program", []));

        Assert.StartsWith("Widget: could not start imapauto-no-such-program (", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_ChildOfTheProcess_IsKilledToo()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), "imapauto-child-" + Guid.NewGuid().ToString("N"));
        var child = ChildProcess.Start("Parent", "sh", ["-c", $"sleep 60 & echo $! > '{pidFile}'; wait"]);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!File.Exists(pidFile) || new FileInfo(pidFile).Length == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "The shell never wrote its child's pid.");
                await Task.Delay(50);
            }

            using var grandchild = Process.GetProcessById(int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture));

            await child.DisposeAsync();

            Assert.True(grandchild.WaitForExit(TimeSpan.FromSeconds(10)), "The child's own child still runs after dispose.");
        }
        finally
        {
            await child.DisposeAsync();
            File.Delete(pidFile);
        }
    }

    [Fact]
    public async Task Output_ChattyProcess_KeepsOnlyTheTail()
    {
        await using var child = ChildProcess.Start("Chatty", "sh", ["-c", "i=0; while [ $i -lt 5000 ]; do echo \"line $i of a chatty server\"; i=$((i+1)); done; echo last-line"]);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!child.Output.Contains("last-line", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "The last line never arrived.");
            await Task.Delay(50);
        }

        Assert.InRange(child.Output.Length, 1, 33 * 1024);
        Assert.DoesNotContain("line 0 of", child.Output, StringComparison.Ordinal);
    }

    /// <summary>Runs a shell script as a part and waits for a port nothing will open; returns the failure.</summary>
    private static async Task<(string Message, int Port, bool Exited)> WaitFailureAsync(string name, string script, TimeSpan timeout)
    {
        await using var child = ChildProcess.Start(name, "sh", ["-c", script]);
        var port = LoopbackPorts.Next();
        var error = await Assert.ThrowsAsync<LocalPartException>(() => child.WaitForPortAsync(port, timeout, CancellationToken.None));
        return (error.Message, port, child.HasExited);
    }
}
