using System.Text;

namespace ImapAutomation.Cli.Tests.Demo;

[Collection(DemoRunsDefinition.Name)]
public sealed class DemoCancellationTests
{
    [Fact]
    public async Task Run_CancelledOncePartsAreUp_StopsEveryProcessItStarted()
    {
        var data = Directory.CreateTempSubdirectory("imapauto-demo-cancel-").FullName;
        using var cancel = new CancellationTokenSource();
        // Ctrl+C as soon as Azurite and the IMAPS endpoint are up (the "before" probe has run).
        using var stdout = new TriggerWriter("before: Test-ImapTls", cancel);
        using var stderr = new StringWriter();
        try
        {
            var exit = await CliApp.RunAsync(["demo", "--data", data, "--no-render"], stdout, stderr, cancel.Token);

            Assert.True(cancel.IsCancellationRequested, "the trigger line never appeared:\n" + stdout + stderr);
            Assert.Equal(Cli.Demo.DemoCommand.ScenarioFailed, exit);
            Assert.Contains("every part it started has been stopped", stderr.ToString(), StringComparison.Ordinal);
            Assert.Empty(ProcessesMentioning(data));
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Dovecot may leave sockets owned by its own users.
            }
        }
    }

    internal static List<string> ProcessesMentioning(string text) =>
        [.. Directory.GetDirectories("/proc")
            .Select(dir => (Pid: Path.GetFileName(dir), CommandLine: ReadCommandLine(dir)))
            .Where(p => p.CommandLine.Contains(text, StringComparison.Ordinal))
            .Select(p => $"{p.Pid}: {p.CommandLine}")];

    private static string ReadCommandLine(string procDir)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procDir, "cmdline")).Replace('\0', ' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>Keeps what is written and cancels once a line contains the trigger.</summary>
    private sealed class TriggerWriter(string trigger, CancellationTokenSource cancel) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value?.Contains(trigger, StringComparison.Ordinal) == true)
            {
                cancel.Cancel();
            }
        }

        public override Encoding Encoding => Encoding.UTF8;
    }
}
