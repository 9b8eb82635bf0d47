namespace ImapAutomation.Cli.Bench;

/// <summary>Replaces one benchmark's own section of docs/benchmarks.md, leaving the other sections alone.</summary>
internal static class BenchmarkFile
{
    public static void WriteSection(string path, string name, string body)
    {
        var begin = $"<!-- bench:{name} -->";
        var end = $"<!-- /bench:{name} -->";
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n\nFigures written by the benchmark commands; each section says how it was produced.\n";
        var section = $"{begin}\n## {name}\n\n{body.TrimEnd()}\n{end}";
        var from = text.IndexOf(begin, StringComparison.Ordinal);
        var to = text.IndexOf(end, StringComparison.Ordinal);
        text = from >= 0 && to > from
            ? string.Concat(text.AsSpan(0, from), section, text.AsSpan(to + end.Length))
            : text.TrimEnd() + "\n\n" + section + "\n";
        File.WriteAllText(path, text);
    }
}
