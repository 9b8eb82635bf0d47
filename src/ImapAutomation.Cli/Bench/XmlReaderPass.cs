using System.Diagnostics;
using System.Globalization;
using System.Xml;

namespace ImapAutomation.Cli.Bench;

/// <summary>
/// <c>imapauto bench xmlreader FILE</c>: the reference the benchmark compares triage with, one streaming XmlReader pass
/// that pulls only Computer, Provider and EventID from each event and does nothing else.
/// </summary>
internal static class XmlReaderPass
{
    public static async Task<int> RunAsync(CliContext context)
    {
        if (context.Args is not ["xmlreader", var path])
        {
            await context.Stderr.WriteLineAsync("Usage: imapauto bench xmlreader FILE   (reference pass for scripts/bench.sh)").ConfigureAwait(false);
            return CliApp.UsageError;
        }

        var clock = Stopwatch.StartNew();
        var (events, checksum) = Count(path);
        await context.Stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"events={events} checksum={checksum} seconds={clock.Elapsed.TotalSeconds:F3}")).ConfigureAwait(false);
        return CliApp.Ok;
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
