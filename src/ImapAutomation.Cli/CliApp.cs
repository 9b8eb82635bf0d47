namespace ImapAutomation.Cli;

/// <summary>Entry point of the <c>imapauto</c> command; writers are injected so tests read what a person would see.</summary>
internal static class CliApp
{
    public const int Ok = 0;
    public const int UsageError = 1;

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        cancellationToken.ThrowIfCancellationRequested();

        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            stdout.WriteLine(Usage);
            return Task.FromResult(args.Length == 0 ? UsageError : Ok);
        }

        stderr.WriteLine($"imapauto: unknown command '{args[0]}'.");
        stderr.WriteLine(Usage);
        return Task.FromResult(UsageError);
    }

    internal const string Usage = """
        Usage: imapauto <command> [options]

        Commands:
          triage [--json] [--window 30m] PATH...   diagnose Exchange IMAP/TLS failures from exported events and logs
          help                                     show this text
        """;
}
