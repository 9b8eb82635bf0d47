namespace ImapAutomation.Cli.Bench;

/// <summary><c>imapauto bench &lt;what&gt;</c>: measured figures for docs/benchmarks.md, never timer assertions in tests.</summary>
internal static partial class BenchCommand
{
    public const string Usage = """
        Usage: imapauto bench xmlreader|parse FILE
          Reference passes used by scripts/bench.sh: a plain XmlReader pass, or the signal parser alone.
        Usage: imapauto bench incidents --connection-string CS [--ingests N] [--storm-events N] [--output FILE]
          Incident writes per second with 1 and 8 writers and a storm's amplification (scripts/bench-incidents.sh).
        Usage: imapauto bench evtx [--corpus DIR] [--large-mb N] [--runs N] [--write FILE]
          Reads every .evtx under DIR (default: ../shared/corpora beside the repository) and a large file built from
          their chunks, with ImapAutomation's reader and with libevtx's evtxexport, and prints records/s and MB/s.
          --write FILE replaces the EVTX section of that Markdown file (e.g. docs/benchmarks.md).
        """;

    public static async Task<int> RunAsync(CliContext context)
    {
        if (context.Args.Length > 0 && context.Args[0] is "xmlreader" or "parse")
        {
            return await XmlReaderPass.RunAsync(context).ConfigureAwait(false);
        }

        if (context.Args.Length > 0 && context.Args[0] == "incidents")
        {
            Func<CliContext, Task<int>> incidents = NativeBuild.BenchIncidentsAsync;
            UseDevelopmentPasses(ref incidents);
            return await incidents(context).ConfigureAwait(false);
        }

        if (context.Args.Length == 0 || context.Args[0] != "evtx")
        {
            await context.Stderr.WriteLineAsync(Usage).ConfigureAwait(false);
            return CliApp.UsageError;
        }

        var options = EvtxBenchmarkOptions.Parse(context.Args[1..], out var error);
        if (options is null)
        {
            await context.Stderr.WriteLineAsync($"imapauto bench evtx: {error}").ConfigureAwait(false);
            await context.Stderr.WriteLineAsync(Usage).ConfigureAwait(false);
            return CliApp.UsageError;
        }

        return await new EvtxBenchmark(options, context.Stdout, context.Stderr).RunAsync(context.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>The incident-store pass (Azure.Data.Tables against Azurite): development build only (Bench/BenchIncidentsCommand.cs).</summary>
    static partial void UseDevelopmentPasses(ref Func<CliContext, Task<int>> incidents);
}
