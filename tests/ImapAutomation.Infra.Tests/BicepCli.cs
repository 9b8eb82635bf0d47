using System.Diagnostics;
using System.Text;
using ImapAutomation.Testing;

namespace ImapAutomation.Infra.Tests;

/// <summary>The Bicep CLI that scripts/bootstrap.sh installs into .tools/, run to completion.</summary>
internal static class BicepCli
{
    public static string Path => System.IO.Path.Combine(RepoPaths.Tools, OperatingSystem.IsWindows() ? "bicep.exe" : "bicep");

    public static async Task<BicepRun> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            throw new InvalidOperationException($"The Bicep CLI is not at {Path}; run scripts/bootstrap.sh.");
        }

        var info = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Offline and quiet: no telemetry, no registry look-ups.
        info.Environment["BICEP_TELEMETRY_ENABLED"] = "false";

        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        // WaitForExitAsync returns once the output streams are drained too.
        lock (output)
        {
            return new BicepRun(process.ExitCode, output.ToString());
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}

/// <summary>One run of the CLI: its exit code and everything it printed.</summary>
internal sealed record BicepRun(int ExitCode, string Output)
{
    /// <summary>Diagnostic lines (<c>file(line,col) : Warning rule: text</c>); bicep exits 0 when there are only warnings.</summary>
    public IReadOnlyList<string> Diagnostics =>
        Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.Contains(" : Warning ", StringComparison.Ordinal) || l.Contains(" : Error ", StringComparison.Ordinal)
                || l.Contains(" : Info ", StringComparison.Ordinal))
            .ToList();
}
