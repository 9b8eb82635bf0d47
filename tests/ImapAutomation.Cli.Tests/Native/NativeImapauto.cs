using System.Diagnostics;
using ImapAutomation.Testing;

namespace ImapAutomation.Cli.Tests.Native;

/// <summary>
/// The native (ahead-of-time) imapauto: the one <c>scripts/test.sh</c> published for this run (IMAPAUTO_NATIVE), else
/// published here once with <c>scripts/publish-native.sh</c>.
/// </summary>
public sealed class NativeImapauto : IAsyncLifetime
{
    private string? _published;

    public string Executable { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("IMAPAUTO_NATIVE") is { Length: > 0 } given)
        {
            Executable = File.Exists(given) ? given : throw new FileNotFoundException("IMAPAUTO_NATIVE names no file", given);
            return;
        }

        _published = Directory.CreateTempSubdirectory("imapauto-native-").FullName;
        var (exit, stdout, stderr) = await RunAsync("bash", [RepoPaths.InRoot("scripts", "publish-native.sh"), _published], TimeSpan.FromMinutes(15));
        Executable = exit == 0 ? stdout.Trim() : throw new InvalidOperationException($"scripts/publish-native.sh failed ({exit}): {stderr}");
    }

    public Task DisposeAsync()
    {
        if (_published is not null)
        {
            Directory.Delete(_published, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs the native imapauto to its end: exit code and both streams.</summary>
    public Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args) => RunAsync(Executable, args, TimeSpan.FromMinutes(2));

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string file, string[] args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        using var cancel = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cancel.Token);
        var stderr = process.StandardError.ReadToEndAsync(cancel.Token);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} ran over {timeout}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
