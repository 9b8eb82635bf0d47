using ImapAutomation.Core.Evtx;

namespace ImapAutomation.Cli.Evtx;

/// <summary><c>imapauto evtx FILE...</c>: prints the events of .evtx files as Windows Event XML, problems on stderr.</summary>
internal static class EvtxCommand
{
    public static async Task<int> RunAsync(CliContext context)
    {
        if (context.Args.Length == 0)
        {
            await context.Stderr.WriteLineAsync("Usage: imapauto evtx FILE...   print the events of .evtx files as Windows Event XML").ConfigureAwait(false);
            return CliApp.UsageError;
        }

        var exit = CliApp.Ok;
        foreach (var path in context.Args)
        {
            if (!File.Exists(path))
            {
                await context.Stderr.WriteLineAsync($"imapauto evtx: {path}: no such file").ConfigureAwait(false);
                exit = CliApp.UsageError;
                continue;
            }

            await using var stream = File.OpenRead(path);
            var reader = new EvtxReader(stream);
            var count = 0;
            foreach (var record in reader.ReadRecords(context.CancellationToken))
            {
                await context.Stdout.WriteAsync(record.ToXml()).ConfigureAwait(false);
                count++;
            }

            foreach (var problem in reader.Problems)
            {
                await context.Stderr.WriteLineAsync($"imapauto evtx: {path}: {problem}").ConfigureAwait(false);
            }

            await context.Stderr.WriteLineAsync($"imapauto evtx: {path}: {count} events, {reader.ChunkCount} chunks, {reader.ProblemCount} problems").ConfigureAwait(false);
        }

        return exit;
    }
}
