namespace ImapAutomation.Cli;

/// <summary>Entry point of the <c>imapauto</c> command; writers are injected so tests read what a person would see.</summary>
internal static class CliApp
{
    public const int Ok = 0;
    public const int UsageError = 1;

    /// <summary>One line per command; each command lives in its own folder and reads its own options.</summary>
    private static readonly Dictionary<string, Func<CliContext, Task<int>>> Commands = new(StringComparer.Ordinal)
    {
        ["triage"] = Triage.TriageCommand.RunAsync,
        ["cards"] = Cards.CardsCommand.RunAsync,
    };

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        cancellationToken.ThrowIfCancellationRequested();

        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
            return args.Length == 0 ? UsageError : Ok;
        }

        if (!Commands.TryGetValue(args[0], out var command))
        {
            await stderr.WriteLineAsync($"imapauto: unknown command '{args[0]}'.").ConfigureAwait(false);
            await stderr.WriteLineAsync(Usage).ConfigureAwait(false);
            return UsageError;
        }

        return await command(new CliContext(args[1..], stdout, stderr, cancellationToken)).ConfigureAwait(false);
    }

    internal const string Usage = """
        Usage: imapauto <command> [options]

        Commands:
          triage [--json] [--window 30m] PATH...   diagnose Exchange IMAP/TLS failures from exported events and logs
          cards sample KIND | cards render FILE.json --out card.png
                                                   write a sample Adaptive Card, or draw one as Teams shows it
          help                                     show this text
        """;
}

/// <summary>What a command gets: its own arguments (the command name removed) and the process's streams.</summary>
internal sealed record CliContext(string[] Args, TextWriter Stdout, TextWriter Stderr, CancellationToken CancellationToken);
