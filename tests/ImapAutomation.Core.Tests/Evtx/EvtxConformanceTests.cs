using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using ImapAutomation.Core.Evtx;
using ImapAutomation.Testing;
using Xunit.Abstractions;

namespace ImapAutomation.Core.Tests.Evtx;

/// <summary>Every corpus file read by us and by libevtx's evtxexport, compared record by record.</summary>
public sealed class EvtxConformanceTests(ITestOutputHelper output)
{
    /// <summary>../shared/corpora beside the repository; a worktree one level deeper finds it one folder further up.</summary>
    internal static string CorpusRoot { get; } = FindCorpus();

    internal static IReadOnlyList<string> CorpusFiles() =>
        Directory.Exists(CorpusRoot)
            ? [.. Directory.EnumerateFiles(CorpusRoot, "*.evtx", SearchOption.AllDirectories).Order(StringComparer.Ordinal)]
            : [];

    [SkippableFact]
    public async Task ReadRecords_EveryCorpusFile_MatchesEvtxexportRecordByRecord()
    {
        var files = CorpusFiles();
        Skip.If(files.Count == 0, $"no .evtx corpus under {CorpusRoot} (the shared folder beside the repository is missing)");

        Assert.True(LibEvtxExport.IsInstalled, $"{LibEvtxExport.Executable} is missing: run scripts/bootstrap.sh (libevtx-utils).");
        var differences = new ConcurrentBag<string>();
        var unreadable = new ConcurrentBag<string>();
        long records = 0;
        long values = 0;
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (file, ct) =>
        {
            var (peer, exitCode) = await LibEvtxExport.ExportAsync(file, ct);
            List<EvtxRecord> ours;
            EvtxReader reader;
            await using (var stream = File.OpenRead(file))
            {
                reader = new EvtxReader(stream);
                ours = [.. reader.ReadRecords(ct)];
            }

            var name = Path.GetFileName(file);
            if (exitCode != 0 && peer.Count == 0)
            {
                // evtxexport 20181227 gives up on the whole file (docs/evtx.md lists these and why). Check ours
                // against the chunk headers instead: every record they announce is read, with no problem reported.
                unreadable.Add(name);
                var announced = AnnouncedRecords(file);
                if (ours.Count != announced || reader.ProblemCount != 0 && reader.Problems.Any(p => p.Kind != EvtxProblemKind.ChunkSignature))
                {
                    differences.Add($"{name}: evtxexport fails; ours {ours.Count} records, chunk headers announce {announced}; problems: {string.Join(" / ", reader.Problems.Take(3))}");
                }

                return;
            }

            if (ours.Count != peer.Count)
            {
                differences.Add($"{name}: {ours.Count} records, evtxexport {peer.Count}; problems: {string.Join(" / ", reader.Problems.Take(3))}");
            }

            for (var i = 0; i < Math.Min(ours.Count, peer.Count); i++)
            {
                Interlocked.Increment(ref records);
                Interlocked.Add(ref values, Compare(name, ours[i], peer[i], differences));
            }
        });

        output.WriteLine($"{files.Count} files, {records} records, {values} EventData/UserData values compared; {differences.Count} differences");
        output.WriteLine($"{unreadable.Count} files evtxexport cannot export (checked against their chunk headers): {string.Join(", ", unreadable.Order(StringComparer.Ordinal))}");
        foreach (var group in differences.GroupBy(Category).OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"{group.Count()} x {group.Key}");
            foreach (var difference in group.Order(StringComparer.Ordinal).Take(5))
            {
                output.WriteLine("    " + difference);
            }
        }

        Assert.True(records > 0, "no records compared");
        Assert.True(differences.IsEmpty, $"{differences.Count} differences, first: {string.Join(" | ", differences.Order(StringComparer.Ordinal).Take(5))}");
    }

    /// <summary>The records the chunk headers announce: last minus first record number plus one, per chunk.</summary>
    internal static long AnnouncedRecords(string file)
    {
        var bytes = File.ReadAllBytes(file);
        long total = 0;
        for (var offset = EvtxReader.FileHeaderSize; offset + EvtxReader.ChunkSize <= bytes.Length; offset += EvtxReader.ChunkSize)
        {
            if (bytes.AsSpan(offset).StartsWith("ElfChnk\0"u8))
            {
                total += BitConverter.ToInt64(bytes, offset + 16) - BitConverter.ToInt64(bytes, offset + 8) + 1;
            }
        }

        return total;
    }

    private static string Category(string difference)
    {
        var hash = difference.IndexOf(" #", StringComparison.Ordinal);
        var rest = hash < 0 ? difference : difference[(difference.IndexOf(' ', hash + 2) + 1)..];
        var colon = rest.IndexOf(": ", StringComparison.Ordinal);
        return colon < 0 ? rest : rest[..colon];
    }

    private static string FindCorpus()
    {
        var candidate = Path.Combine(RepoPaths.Shared, "corpora");
        for (var dir = new DirectoryInfo(RepoPaths.Root).Parent; dir is not null && !Directory.Exists(candidate); dir = dir.Parent)
        {
            var further = Path.Combine(dir.FullName, "shared", "corpora");
            if (Directory.Exists(further))
            {
                candidate = further;
            }
        }

        return candidate;
    }

    private static int Compare(string file, EvtxRecord ours, PeerEvent peer, ConcurrentBag<string> differences)
    {
        var where = $"{file} #{peer.RecordId}";
        void Check(string field, string? mine, string? theirs)
        {
            if (!string.Equals(mine ?? string.Empty, theirs ?? string.Empty, StringComparison.Ordinal))
            {
                differences.Add($"{where} {field}: ours '{Trim(mine)}' evtxexport '{Trim(theirs)}'");
            }
        }

        var system = ours.Root.Element("System");
        Check("EventRecordID", ours.EventRecordId.ToString(CultureInfo.InvariantCulture), peer.RecordId);
        Check("TimeCreated", system?.Element("TimeCreated")?.Attribute("SystemTime"), peer.SystemTime);
        Check("Provider", ours.ProviderName, peer.Provider);
        Check("EventID", ours.EventId.ToString(CultureInfo.InvariantCulture), peer.EventId);
        Check("Qualifiers", ours.Qualifiers?.ToString(CultureInfo.InvariantCulture), peer.Qualifiers);
        Check("Level", ours.Level?.ToString(CultureInfo.InvariantCulture), peer.Level);
        Check("Channel", ours.Channel, peer.Channel);
        Check("Computer", ours.Computer, peer.Computer);

        var mine = new List<(string Key, string Value, EvtxValueType Type)>();
        mine.AddRange(ours.EventData.Select(d => ($"{d.Element}:{d.Name}", d.Value, d.Type)));
        mine.AddRange(ours.UserData.Select(d => (d.Element, d.Value, d.Type)));
        if (mine.Count != peer.Data.Count)
        {
            differences.Add($"{where} data count: ours {mine.Count} evtxexport {peer.Data.Count}: ours [{string.Join(", ", mine.Select(m => m.Key))}] theirs [{string.Join(", ", peer.Data.Select(m => m.Key))}]");
            return 0;
        }

        for (var i = 0; i < mine.Count; i++)
        {
            Check($"data[{i}] key", mine[i].Key, peer.Data[i].Key);
            if (!ValuesMatch(mine[i].Value, mine[i].Type, peer.Data[i].Value))
            {
                differences.Add($"{where} {mine[i].Key} ({mine[i].Type}): ours '{Trim(mine[i].Value)}' evtxexport '{Trim(peer.Data[i].Value)}'");
            }
        }

        return mine.Count;
    }

    /// <summary>Exact text, except the formatting differences docs/evtx.md lists (same value, other spelling).</summary>
    internal static bool ValuesMatch(string ours, EvtxValueType type, string theirs)
    {
        if (string.Equals(ours, theirs, StringComparison.Ordinal))
        {
            return true;
        }

        // libevtx zero-pads hexadecimal values to the type's width (0x00000000000003e7); Windows writes 0x3e7.
        if (type is EvtxValueType.HexInt32 or EvtxValueType.HexInt64 or EvtxValueType.SizeT)
        {
            return TryHex(ours, out var a) && TryHex(theirs, out var b) && a == b;
        }

        return false;
    }

    private static bool TryHex(string text, out ulong value)
    {
        value = 0;
        return text.StartsWith("0x", StringComparison.Ordinal)
            && ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static string Trim(string? value)
    {
        if (value is null)
        {
            return "(none)";
        }

        var text = value.Length > 80 ? value[..80] + "…" : value;
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c < 0x20 ? $"\\x{(int)c:x2}" : c.ToString());
        }

        return builder.ToString();
    }
}
