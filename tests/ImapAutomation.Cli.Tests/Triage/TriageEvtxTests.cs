using System.Text.Json;
using ImapAutomation.Testing;

namespace ImapAutomation.Cli.Tests.Triage;

public sealed class TriageEvtxTests : IDisposable
{
    /// <summary>The third record frame of the corpus file starts here (chunk 0); cutting just after it loses records 3 and 4.</summary>
    private const int ThirdRecordOffset = 11808;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("triage-evtx-");

    private static string CorpusEvtx => Path.Combine(RepoPaths.Shared, "corpora", "windows-events", "ID6-Failed_to_install_an_Exchange_transport_agent.evtx");

    public void Dispose() => _dir.Delete(recursive: true);

    [SkippableFact]
    public async Task Run_CorpusEvtxUnderAnyName_IsReadAsEvtxWithEveryEvent()
    {
        Skip.IfNot(File.Exists(CorpusEvtx), $"corpus file missing: {CorpusEvtx} (the shared folder beside the repository is absent)");
        var copy = Path.Combine(_dir.FullName, "exported-events.dat"); // the content decides, not the name
        File.Copy(CorpusEvtx, copy);

        var (exit, stdout, stderr) = await RunAsync("--json", copy);

        Assert.Equal(CliApp.Ok, exit);
        Assert.Empty(stderr);
        using var doc = JsonDocument.Parse(stdout);
        var input = Assert.Single(doc.RootElement.GetProperty("inputs").EnumerateArray());
        Assert.Equal("evtx", input.GetProperty("format").GetString());
        Assert.Equal(4, input.GetProperty("events").GetInt64());
        Assert.Equal(0, input.GetProperty("rejected").GetInt64());

        // MSExchange CmdletLogs 6 is not an IMAP/TLS signal: counted, and no incident.
        Assert.Empty(doc.RootElement.GetProperty("incidents").EnumerateArray());
    }

    [SkippableFact]
    public async Task Run_TruncatedEvtx_ExitsTwoWithChunkAndOffsetAndReportsTheReadableEvents()
    {
        Skip.IfNot(File.Exists(CorpusEvtx), $"corpus file missing: {CorpusEvtx} (the shared folder beside the repository is absent)");
        var cut = Path.Combine(_dir.FullName, "cut.evtx");
        await File.WriteAllBytesAsync(cut, (await File.ReadAllBytesAsync(CorpusEvtx))[..(ThirdRecordOffset + 100)]);

        var (exit, stdout, _) = await RunAsync("--json", cut);

        Assert.Equal(2, exit);
        using var doc = JsonDocument.Parse(stdout);
        var input = Assert.Single(doc.RootElement.GetProperty("inputs").EnumerateArray());
        Assert.Equal("evtx", input.GetProperty("format").GetString());
        Assert.Equal(2, input.GetProperty("events").GetInt64());
        var errors = input.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(input.GetProperty("rejected").GetInt64(), errors.Count);
        Assert.All(errors, e => Assert.StartsWith("chunk 0, offset ", e.GetProperty("location").GetString(), StringComparison.Ordinal));
        Assert.Contains(errors, e => e.GetProperty("location").GetString() == $"chunk 0, offset {ThirdRecordOffset}");
    }

    [SkippableFact]
    public async Task Run_TruncatedEvtxInText_NamesTheFileAndTheChunk()
    {
        Skip.IfNot(File.Exists(CorpusEvtx), $"corpus file missing: {CorpusEvtx} (the shared folder beside the repository is absent)");
        var cut = Path.Combine(_dir.FullName, "cut.evtx");
        await File.WriteAllBytesAsync(cut, (await File.ReadAllBytesAsync(CorpusEvtx))[..(ThirdRecordOffset + 100)]);

        var (exit, stdout, _) = await RunAsync(cut);

        Assert.Equal(2, exit);
        Assert.Contains("cut.evtx", stdout, StringComparison.Ordinal);
        Assert.Contains($"chunk 0, offset {ThirdRecordOffset}", stdout, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(["triage", .. args], stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
