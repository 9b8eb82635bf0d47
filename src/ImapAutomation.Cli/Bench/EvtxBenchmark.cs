using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using ImapAutomation.Core.Evtx;

namespace ImapAutomation.Cli.Bench;

/// <summary>
/// Times ImapAutomation's EVTX reader against libevtx's evtxexport on the same files in the same run. Both produce
/// XML text for every record (ours through <see cref="EvtxRecord.ToXml"/>); each figure is the best of N runs.
/// </summary>
internal sealed class EvtxBenchmark(EvtxBenchmarkOptions options, TextWriter stdout, TextWriter stderr)
{
    private const string SectionStart = "<!-- evtx-bench:start -->";
    private const string SectionEnd = "<!-- evtx-bench:end -->";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var corpus = options.Corpus ?? FindCorpus();
        if (corpus is null || !Directory.Exists(corpus))
        {
            await stderr.WriteLineAsync($"imapauto bench evtx: corpus folder not found ({corpus ?? "../shared/corpora"}); pass --corpus DIR").ConfigureAwait(false);
            return CliApp.UsageError;
        }

        if (!File.Exists(options.Evtxexport))
        {
            await stderr.WriteLineAsync($"imapauto bench evtx: {options.Evtxexport} is missing (apt-get install libevtx-utils)").ConfigureAwait(false);
            return CliApp.UsageError;
        }

        var all = Directory.EnumerateFiles(corpus, "*.evtx", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        // Compare on the files both readers can export: evtxexport 20181227 gives up on a few (see docs/evtx.md).
        var files = new List<string>();
        foreach (var file in all)
        {
            if ((await RunPeerAsync(file, cancellationToken).ConfigureAwait(false)).ExitCode == 0)
            {
                files.Add(file);
            }
        }

        var large = Path.Combine(Path.GetTempPath(), $"imapauto-bench-{Environment.ProcessId}.evtx");
        try
        {
            var largeBytes = BuildLargeFile(files, large, options.LargeMegabytes * 1024L * 1024L);
            var rows = new List<string>();
            var corpusBytes = files.Sum(f => new FileInfo(f).Length);
            var ours = Best(() => ReadOurs(files));
            var peer = await BestAsync(() => RunPeersAsync(files, cancellationToken)).ConfigureAwait(false);
            rows.Add(Row($"corpus: {files.Count} files", "ImapAutomation EvtxReader + ToXml", ours.Records, corpusBytes, ours.Elapsed, ours.PeakKiB));
            rows.Add(Row($"corpus: {files.Count} files", "evtxexport -f xml (one process per file)", ours.Records, corpusBytes, peer.Elapsed, peer.PeakKiB));
            var oursLarge = Best(() => ReadOurs([large]));
            var peerLarge = await BestAsync(() => RunPeersAsync([large], cancellationToken)).ConfigureAwait(false);
            var label = $"large: {largeBytes / (1024 * 1024)} MiB, {(largeBytes - EvtxReader.FileHeaderSize) / EvtxReader.ChunkSize} chunks";
            rows.Add(Row(label, "ImapAutomation EvtxReader + ToXml", oursLarge.Records, largeBytes, oursLarge.Elapsed, oursLarge.PeakKiB));
            rows.Add(Row(label, "evtxexport -f xml", oursLarge.Records, largeBytes, peerLarge.Elapsed, peerLarge.PeakKiB));
            var section = Section(rows, all.Count - files.Count);
            await stdout.WriteLineAsync(section).ConfigureAwait(false);
            if (options.WriteTo is not null)
            {
                await WriteSectionAsync(options.WriteTo, section, cancellationToken).ConfigureAwait(false);
            }

            return CliApp.Ok;
        }
        finally
        {
            File.Delete(large);
        }
    }

    private readonly record struct Measure(long Records, TimeSpan Elapsed, long PeakKiB);

    private Measure Best(Func<Measure> run)
    {
        var best = run(); // warm-up, counted only if it is the fastest
        for (var i = 1; i < options.Runs; i++)
        {
            var next = run();
            best = next.Elapsed < best.Elapsed ? next : best;
        }

        return best;
    }

    private async Task<Measure> BestAsync(Func<Task<Measure>> run)
    {
        var best = await run().ConfigureAwait(false);
        for (var i = 1; i < options.Runs; i++)
        {
            var next = await run().ConfigureAwait(false);
            best = next.Elapsed < best.Elapsed ? next : best;
        }

        return best;
    }

    private static Measure ReadOurs(IReadOnlyList<string> files)
    {
        long records = 0;
        long chars = 0;
        var watch = Stopwatch.StartNew();
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            foreach (var record in new EvtxReader(stream).ReadRecords())
            {
                chars += record.ToXml().Length;
                records++;
            }
        }

        watch.Stop();
        GC.KeepAlive(chars);
        return new Measure(records, watch.Elapsed, Environment.WorkingSet / 1024);
    }

    private async Task<Measure> RunPeersAsync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        long peak = 0;
        foreach (var file in files)
        {
            var (_, kib) = await RunPeerAsync(file, cancellationToken).ConfigureAwait(false);
            peak = Math.Max(peak, kib);
        }

        watch.Stop();
        return new Measure(0, watch.Elapsed, peak);
    }

    /// <summary>evtxexport with its output to /dev/null, under GNU time for its peak resident memory.</summary>
    private async Task<(int ExitCode, long PeakKiB)> RunPeerAsync(string file, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", "exec /usr/bin/time -f 'peak-kib=%M' \"$0\" -f xml \"$1\" >/dev/null", options.Evtxexport, file })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("evtxexport did not start");
        var errors = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var marker = errors.LastIndexOf("peak-kib=", StringComparison.Ordinal);
        var peak = marker >= 0 && long.TryParse(errors.AsSpan(marker + 9).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib : 0;
        return (process.ExitCode, peak);
    }

    /// <summary>
    /// A large valid log: the corpus chunks repeated under one new file header. Chunks are self-contained (their names
    /// and templates are chunk-relative), so any sequence of valid chunks is a valid file.
    /// </summary>
    private static long BuildLargeFile(IReadOnlyList<string> files, string path, long target)
    {
        var chunks = new List<byte[]>();
        byte[]? header = null;
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            header ??= bytes[..EvtxReader.FileHeaderSize];
            for (var offset = EvtxReader.FileHeaderSize; offset + EvtxReader.ChunkSize <= bytes.Length; offset += EvtxReader.ChunkSize)
            {
                if (bytes.AsSpan(offset).StartsWith("ElfChnk\0"u8))
                {
                    chunks.Add(bytes[offset..(offset + EvtxReader.ChunkSize)]);
                }
            }
        }

        if (header is null || chunks.Count == 0)
        {
            throw new InvalidOperationException("no chunks in the corpus");
        }

        var count = (int)Math.Min(ushort.MaxValue, Math.Max(1, (target - EvtxReader.FileHeaderSize) / EvtxReader.ChunkSize));
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), 0);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), count - 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(42), (ushort)count);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(120), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(124), Crc32.HashToUInt32(header.AsSpan(0, 120)));
        using var output = File.Create(path);
        output.Write(header);
        for (var i = 0; i < count; i++)
        {
            output.Write(chunks[i % chunks.Count]);
        }

        return output.Length;
    }

    private static string Row(string input, string reader, long records, long bytes, TimeSpan elapsed, long peakKiB)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {input} | {reader} | {records:N0} | {bytes / 1048576.0:F1} | {seconds:F3} | {records / seconds:N0} | {bytes / 1048576.0 / seconds:F1} | {peakKiB / 1024.0:F0} |");
    }

    private string Section(List<string> rows, int skipped)
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var builder = new StringBuilder();
        builder.AppendLine(SectionStart);
        builder.AppendLine("## EVTX reader (`imapauto bench evtx`)");
        builder.AppendLine();
        builder.AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run -c Release --project src/ImapAutomation.Cli -- bench evtx --large-mb {options.LargeMegabytes} --runs {options.Runs} --write docs/benchmarks.md`");
        builder.AppendLine(CultureInfo.InvariantCulture, $"Machine: {cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} cores (shared), {RuntimeInformation.OSDescription}, .NET {Environment.Version}; measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        builder.AppendLine();
        builder.AppendLine("Both readers turn every record into XML text; ours reads on one thread, evtxexport is single-threaded C.");
        builder.AppendLine(CultureInfo.InvariantCulture, $"Best of {options.Runs} runs. The corpus row for evtxexport includes starting one process per file (as a person would run it);");
        builder.AppendLine(CultureInfo.InvariantCulture, $"the large file (corpus chunks repeated under one header) has no such overhead. {skipped} corpus files that evtxexport cannot export are left out of both.");
        builder.AppendLine("Peak memory: ours is the .NET process's working set (runtime included); evtxexport's is its peak RSS from GNU time.");
        builder.AppendLine();
        builder.AppendLine("| input | reader | records | MiB | seconds | records/s | MiB/s | peak MiB |");
        builder.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            builder.AppendLine(row);
        }

        builder.Append(SectionEnd);
        return builder.ToString();
    }

    private static async Task WriteSectionAsync(string path, string section, CancellationToken cancellationToken)
    {
        var text = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : "# Benchmarks\n";
        var start = text.IndexOf(SectionStart, StringComparison.Ordinal);
        var end = text.IndexOf(SectionEnd, StringComparison.Ordinal);
        text = start >= 0 && end > start
            ? string.Concat(text.AsSpan(0, start), section, text.AsSpan(end + SectionEnd.Length))
            : text.TrimEnd() + "\n\n" + section + "\n";
        await File.WriteAllTextAsync(path, text, cancellationToken).ConfigureAwait(false);
    }

    private static string? FindCorpus()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "corpora");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
