using System.Diagnostics;
using System.Globalization;
using System.Xml;
using ImapAutomation.Core.Signals;

namespace ImapAutomation.Cli.Bench;

/// <summary>
/// <c>imapauto bench xmlreader FILE</c>: the reference the benchmark compares triage with, one streaming XmlReader pass
/// that pulls only Computer, Provider and EventID from each event and does nothing else.
/// </summary>
internal static class XmlReaderPass
{
    public static async Task<int> RunAsync(CliContext context)
    {
        if (context.Args is not [("xmlreader" or "parse") and var mode, var path])
        {
            await context.Stderr.WriteLineAsync("Usage: imapauto bench xmlreader|parse FILE   (reference passes for scripts/bench.sh)").ConfigureAwait(false);
            return CliApp.UsageError;
        }

        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var (events, checksum) = mode == "parse" ? await ParseAsync(path, context.CancellationToken).ConfigureAwait(false) : Count(path);
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;

        // CPU time and allocations of the pass itself (not the runtime's start): what to profile when the machine is shared.
        await context.Stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"events={events} checksum={checksum} seconds={clock.Elapsed.TotalSeconds:F3} cpuSeconds={cpu.TotalSeconds:F3} allocatedBytesPerEvent={allocated / Math.Max(1, events)} gen0={GC.CollectionCount(0)} gen2={GC.CollectionCount(2)}")).ConfigureAwait(false);
        return CliApp.Ok;
    }

    /// <summary>The product's parser alone (no correlation, no report), to tell parsing cost from detection cost.</summary>
    internal static async Task<(long Events, long Checksum)> ParseAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            using var input = await SignalReader.OpenAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            long events = 0, checksum = 0;
            await foreach (var item in input.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (item is SignalEvent e)
                {
                    events++;
                    checksum += e.EventId + e.Server.Length + e.Provider.Length;
                }
            }

            return (events, checksum);
        }
    }

    internal static (long Events, long Checksum) Count(string path)
    {
        var settings = new XmlReaderSettings
        {
            ConformanceLevel = ConformanceLevel.Fragment,
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreWhitespace = true,
            IgnoreComments = true,
        };
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var reader = XmlReader.Create(stream, settings);
        long events = 0, checksum = 0;
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            switch (reader.LocalName)
            {
                case "Provider":
                    checksum += reader.GetAttribute("Name")?.Length ?? 0;
                    break;
                case "EventID":
                    events++;
                    checksum += reader.ReadElementContentAsInt();
                    break;
                case "Computer":
                    checksum += reader.ReadElementContentAsString().Length;
                    break;
            }
        }

        return (events, checksum);
    }
}
