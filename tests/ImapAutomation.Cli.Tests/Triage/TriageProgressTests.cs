using System.Diagnostics;
using System.Text.Json;
using ImapAutomation.Testing;

namespace ImapAutomation.Cli.Tests.Triage;

/// <summary>
/// Progress goes to stderr only when stderr is the real console on a terminal. <c>CliContext</c> cannot be told "this
/// is a terminal", so the real <c>imapauto</c> runs under a pseudo-terminal (util-linux <c>script</c>) and redirected.
/// </summary>
public sealed class TriageProgressTests : IDisposable
{
    private const string Script = "/usr/bin/script";
    private const string ClearLine = "\r\u001b[K";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("triage-progress-");

    private static string Imapauto => Path.Combine(AppContext.BaseDirectory, "imapauto");

    private static string Sample => RepoPaths.InRoot("samples", "events", "exch01-certificate-binding.xml");

    public void Dispose() => _dir.Delete(recursive: true);

    [SkippableFact]
    public async Task Run_StderrOnATerminal_WritesProgressThereAndKeepsJsonClean()
    {
        Skip.IfNot(File.Exists(Script), $"{Script} (util-linux) is needed to give the process a terminal");
        var json = Path.Combine(_dir.FullName, "out.json");

        // stdout goes to a file and stderr stays on the pseudo-terminal, whose output script copies to its stdout.
        var (exit, terminal, _) = await RunAsync(Script, "-qec", $"{Quote(Imapauto)} triage --json {Quote(Sample)} > {Quote(json)}", "/dev/null");

        Assert.Equal(0, exit);
        Assert.Contains(ClearLine, terminal, StringComparison.Ordinal);
        var stdout = await File.ReadAllTextAsync(json);
        Assert.DoesNotContain('\u001b', stdout);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(1, doc.RootElement.GetProperty("incidents").GetArrayLength());
    }

    [Fact]
    public async Task Run_StderrRedirected_WritesNoProgress()
    {
        var (exit, stdout, stderr) = await RunAsync(Imapauto, "triage", "--json", Sample);

        Assert.Equal(0, exit);
        Assert.Empty(stderr);
        Assert.DoesNotContain('\u001b', stdout);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(1, doc.RootElement.GetProperty("incidents").GetArrayLength());
    }

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string fileName, params string[] args)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
