namespace ImapAutomation.Cli;

/// <summary>Entry point of the <c>imapauto</c> command; writers are injected so tests read what a person would see.</summary>
internal static partial class CliApp
{
    public const int Ok = 0;
    public const int UsageError = 1;

    /// <summary>One line per command; each command lives in its own folder and reads its own options.</summary>
    private static readonly Dictionary<string, Func<CliContext, Task<int>>> Commands = CreateCommands();

    private static Dictionary<string, Func<CliContext, Task<int>>> CreateCommands()
    {
        var commands = new Dictionary<string, Func<CliContext, Task<int>>>(StringComparer.Ordinal)
        {
            ["triage"] = Triage.TriageCommand.RunAsync,
            ["generate"] = Generate.GenerateCommand.RunAsync,
            ["bench"] = Bench.BenchCommand.RunAsync,
            ["cards"] = Cards.CardsCommand.RunAsync,
            ["probe"] = Probe.ProbeCommand.RunAsync,
            ["evtx"] = Evtx.EvtxCommand.RunAsync,
            ["demo"] = NativeBuild.DemoAsync,
        };
        AddDevelopmentCommands(commands);
        return commands;
    }

    /// <summary>
    /// Commands that run the whole stack in process (the demo: Functions, the hybrid worker, PowerShell): only in the
    /// development build, where <c>Demo/</c> implements this; the native build leaves it out (see <see cref="NativeBuild"/>).
    /// </summary>
    static partial void AddDevelopmentCommands(Dictionary<string, Func<CliContext, Task<int>>> commands);

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
          demo [--scenario certificate|proxy|connection-limit|tls] [--json]
                                                   the whole loop on this machine: storm in, runbooks on the lab, cards out
          triage [--json] [--window 30m] PATH...   diagnose Exchange IMAP/TLS failures from exported events and logs
          generate --events N [--servers S] [--seed X] [--out FILE]   write a reproducible event storm (Event XML)
          evtx FILE...                             print the events of .evtx files as Windows Event XML
          probe HOST[:PORT] [--starttls] [--json]  Test-ImapTls: a real IMAPS/STARTTLS handshake, certificate and greeting
          cards sample KIND | cards render FILE.json --out card.png
                                                   write a sample Adaptive Card, or draw one as Teams shows it
          bench xmlreader|parse FILE               reference passes used by scripts/bench.sh
          bench evtx [--large-mb N] [--write FILE] time the EVTX reader against libevtx's evtxexport
          help                                     show this text
        """;
}

/// <summary>What a command gets: its own arguments (the command name removed) and the process's streams.</summary>
internal sealed record CliContext(string[] Args, TextWriter Stdout, TextWriter Stderr, CancellationToken CancellationToken);
