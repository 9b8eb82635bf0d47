using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImapAutomation.Core.Cards;

namespace ImapAutomation.Cli.Cards;

/// <summary><c>imapauto cards sample KIND</c> writes a sample card; <c>imapauto cards render FILE.json --out card.png</c> draws one as Teams would.</summary>
internal static class CardsCommand
{
    public const int RenderFailed = 2;

    /// <summary>Cards bigger than this are not Teams cards; refuse them before starting a browser.</summary>
    private const long MaxCardFileBytes = 1024 * 1024;

    public const string Usage = """
        Usage: imapauto cards sample incident|result|escalation|progress [--version 1.5|1.4] [--out FILE.json]
               imapauto cards render FILE.json --out card.png [--theme light|dark] [--width 560]
        """;

    public static async Task<int> RunAsync(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var args = context.Args;
        return args.Length > 0 && args[0] == "sample" ? await SampleAsync(context, args[1..]).ConfigureAwait(false)
            : args.Length > 0 && args[0] == "render" ? await RenderAsync(context, args[1..]).ConfigureAwait(false)
            : await UsageErrorAsync(context, args.Length == 0 ? "cards: missing subcommand." : $"cards: unknown subcommand '{args[0]}'.").ConfigureAwait(false);
    }

    private static async Task<int> SampleAsync(CliContext context, string[] args)
    {
        if (!TryParse(args, ["version", "out"], out var positional, out var options, out var error) || positional.Count != 1)
        {
            return await UsageErrorAsync(context, error ?? "cards sample: give exactly one card kind.").ConfigureAwait(false);
        }

        var version = options.GetValueOrDefault("version", "1.5");
        if (!CardSamples.Kinds.Contains(positional[0]) || version is not ("1.5" or "1.4"))
        {
            return await UsageErrorAsync(context, $"cards sample: unknown kind '{positional[0]}' or version '{version}'.").ConfigureAwait(false);
        }

        var json = CardSamples.Build(positional[0], version).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        if (options.TryGetValue("out", out var outPath))
        {
            await File.WriteAllTextAsync(outPath, json + "\n", context.CancellationToken).ConfigureAwait(false);
        }
        else
        {
            await context.Stdout.WriteLineAsync(json).ConfigureAwait(false);
        }

        return CliApp.Ok;
    }

    private static async Task<int> RenderAsync(CliContext context, string[] args)
    {
        if (!TryParse(args, ["out", "theme", "width"], out var positional, out var options, out var error)
            || positional.Count != 1 || !options.TryGetValue("out", out var outPath))
        {
            return await UsageErrorAsync(context, error ?? "cards render: give one card file and --out FILE.png.").ConfigureAwait(false);
        }

        var cardPath = positional[0];
        if (await CheckCardFileAsync(cardPath, context.CancellationToken).ConfigureAwait(false) is { } problem)
        {
            await context.Stderr.WriteLineAsync($"cards render: {cardPath}: {problem}").ConfigureAwait(false);
            return CliApp.UsageError;
        }

        var script = FindRenderer();
        if (script is null)
        {
            await context.Stderr.WriteLineAsync("cards render: tools/node/render-card.mjs not found; run from the repository or set IMAPAUTO_NODE_TOOLS.").ConfigureAwait(false);
            return RenderFailed;
        }

        string[] rendererArgs = [script, Path.GetFullPath(cardPath), Path.GetFullPath(outPath), "--theme", options.GetValueOrDefault("theme", "light"), "--width", options.GetValueOrDefault("width", "560")];
        var (exit, output) = await RunNodeAsync(rendererArgs, context.CancellationToken).ConfigureAwait(false);
        var report = TryReadReport(output);
        if (exit != 0 || report is null || report["ok"]?.GetValue<bool>() != true)
        {
            await context.Stderr.WriteLineAsync($"cards render: the renderer failed (exit {exit}).").ConfigureAwait(false);
            foreach (var line in report?["errors"]?.AsArray().Select(e => (string?)e) ?? [output.Trim()])
            {
                await context.Stderr.WriteLineAsync("  " + line).ConfigureAwait(false);
            }

            return RenderFailed;
        }

        await context.Stdout.WriteLineAsync($"{outPath}: {report["width"]}x{report["height"]} px").ConfigureAwait(false);
        return CliApp.Ok;
    }

    /// <summary>Null when the file is a plausible Adaptive Card; otherwise what is wrong with it.</summary>
    private static async Task<string?> CheckCardFileAsync(string path, CancellationToken cancellationToken)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return "no such file.";
        }

        if (file.Length > MaxCardFileBytes)
        {
            return $"{file.Length} bytes; a card file may be at most {MaxCardFileBytes}.";
        }

        try
        {
            var stream = file.OpenRead();
            await using (stream.ConfigureAwait(false))
            {
                var node = await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                return node is JsonObject card && (string?)card["type"] == "AdaptiveCard" ? null : "not an Adaptive Card (no \"type\": \"AdaptiveCard\" at the top).";
            }
        }
        catch (JsonException ex)
        {
            return $"not JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}).";
        }
    }

    private static JsonObject? TryReadReport(string output)
    {
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
        try
        {
            return line is null ? null : JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Runs node with the arguments (90 s at most, the whole tree killed on timeout); the demo draws its cards with it too.</summary>
    internal static async Task<(int Exit, string Output)> RunNodeAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start node.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    private static string? FindRenderer()
    {
        var configured = Environment.GetEnvironmentVariable("IMAPAUTO_NODE_TOOLS");
        if (!string.IsNullOrEmpty(configured))
        {
            var candidate = Path.Combine(configured, "render-card.mjs");
            return File.Exists(candidate) ? candidate : null;
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tools", "node", "render-card.mjs");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static bool TryParse(string[] args, string[] known, out List<string> positional, out Dictionary<string, string> options, out string? error)
    {
        positional = [];
        options = new Dictionary<string, string>(StringComparer.Ordinal);
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(args[i]);
                continue;
            }

            var name = args[i][2..];
            if (!known.Contains(name) || i + 1 >= args.Length)
            {
                error = $"cards: unknown option or missing value: {args[i]}.";
                return false;
            }

            options[name] = args[++i];
        }

        return true;
    }

    private static async Task<int> UsageErrorAsync(CliContext context, string message)
    {
        await context.Stderr.WriteLineAsync(message).ConfigureAwait(false);
        await context.Stderr.WriteLineAsync(Usage).ConfigureAwait(false);
        return CliApp.UsageError;
    }
}
