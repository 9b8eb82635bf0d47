using System.Text;
using ImapAutomation.HybridWorker.Dispatch;
using ImapAutomation.HybridWorker.Ledger;
using Microsoft.Extensions.Time.Testing;

namespace ImapAutomation.HybridWorker.Tests.Ledger;

public sealed class RequestLedgerTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("imapauto-ledger-");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    private string LedgerPath => Path.Combine(_temp.FullName, "sub", "ledger.jsonl");

    [Fact]
    public async Task Open_AfterStartedAndCompleted_FindsTheOutcome()
    {
        var id = Guid.NewGuid();
        using (var ledger = Open())
        {
            await ledger.RecordStartedAsync(id, "Set-ImapCertificate", "ex01", CancellationToken.None);
            await ledger.RecordCompletedAsync(Outcome(id, RunbookOutcomeStatus.Succeeded), CancellationToken.None);
        }

        using var reopened = Open();
        var entry = reopened.Find(id);

        Assert.NotNull(entry);
        Assert.True(entry.IsCompleted);
        Assert.Equal(RunbookOutcomeStatus.Succeeded, entry.Outcome!.Status);
        Assert.Equal("ex01", entry.Server);
    }

    [Fact]
    public async Task Open_AfterStartedOnly_KnowsTheRunNeverEnded()
    {
        var id = Guid.NewGuid();
        using (var ledger = Open())
        {
            await ledger.RecordStartedAsync(id, "Set-ImapCertificate", "ex01", CancellationToken.None);
        }

        using var reopened = Open();

        Assert.False(reopened.Find(id)!.IsCompleted);
    }

    [Fact]
    public async Task Open_TornLastLine_CutsItOffAndKeepsTheRest()
    {
        var id = Guid.NewGuid();
        using (var ledger = Open())
        {
            await ledger.RecordStartedAsync(id, "Set-ImapCertificate", "ex01", CancellationToken.None);
        }

        await File.AppendAllTextAsync(LedgerPath, "{\"type\":\"completed\",\"requestId\":\"" + id + "\",\"at\":\"2026-");
        using (var reopened = Open())
        {
            Assert.False(reopened.Find(id)!.IsCompleted);
            await reopened.RecordCompletedAsync(Outcome(id, RunbookOutcomeStatus.Failed), CancellationToken.None);
        }

        using (var third = Open())
        {
            Assert.Equal(RunbookOutcomeStatus.Failed, third.Find(id)!.Outcome!.Status);
        }

        Assert.All(File.ReadAllLines(LedgerPath), line => Assert.StartsWith("{", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Open_CorruptLineInTheMiddle_ThrowsNamingTheLine()
    {
        using (var ledger = Open())
        {
            await ledger.RecordStartedAsync(Guid.NewGuid(), "Set-ImapCertificate", "ex01", CancellationToken.None);
            await ledger.RecordStartedAsync(Guid.NewGuid(), "Set-ImapCertificate", "ex02", CancellationToken.None);
        }

        var lines = File.ReadAllLines(LedgerPath);
        File.WriteAllLines(LedgerPath, [lines[0], "not json at all", lines[1]]);

        var error = Assert.Throws<InvalidDataException>(Open);

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_CompletedWithoutStarted_ThrowsNamingTheLine()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LedgerPath)!);
        File.WriteAllText(LedgerPath, "{\"type\":\"exploded\",\"requestId\":\"" + Guid.NewGuid() + "\",\"at\":\"2026-11-30T12:00:00+00:00\"}\n");

        var error = Assert.Throws<InvalidDataException>(Open);

        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_WhileAnotherHoldsIt_Throws()
    {
        using var first = Open();

        Assert.ThrowsAny<IOException>(Open);
    }

    [Fact]
    public async Task RecordStartedAsync_SameIdTwice_Throws()
    {
        using var ledger = Open();
        var id = Guid.NewGuid();
        await ledger.RecordStartedAsync(id, "Set-ImapCertificate", "ex01", CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => ledger.RecordStartedAsync(id, "Set-ImapCertificate", "ex01", CancellationToken.None));
    }

    [Fact]
    public async Task Open_CompletedEntriesPastRetention_AreDroppedOthersKept()
    {
        var old = Guid.NewGuid();
        var unfinished = Guid.NewGuid();
        var recent = Guid.NewGuid();
        using (var ledger = Open())
        {
            await ledger.RecordStartedAsync(old, "Set-ImapCertificate", "ex01", CancellationToken.None);
            await ledger.RecordCompletedAsync(Outcome(old, RunbookOutcomeStatus.Succeeded), CancellationToken.None);
            await ledger.RecordStartedAsync(unfinished, "Set-ImapCertificate", "ex02", CancellationToken.None);
            _time.Advance(TimeSpan.FromDays(10));
            await ledger.RecordStartedAsync(recent, "Set-ImapCertificate", "ex03", CancellationToken.None);
            await ledger.RecordCompletedAsync(Outcome(recent, RunbookOutcomeStatus.Succeeded), CancellationToken.None);
        }

        _time.Advance(TimeSpan.FromDays(5));
        using (var compacted = Open())
        {
            Assert.Null(compacted.Find(old));
            Assert.NotNull(compacted.Find(unfinished));
            Assert.NotNull(compacted.Find(recent));
        }

        Assert.Equal(3, File.ReadAllLines(LedgerPath).Length);
        Assert.False(File.Exists(LedgerPath + ".compact"));
    }

    [Fact]
    public async Task RecordCompletedAsync_UnknownRequest_Throws()
    {
        using var ledger = Open();

        await Assert.ThrowsAsync<InvalidOperationException>(() => ledger.RecordCompletedAsync(Outcome(Guid.NewGuid(), RunbookOutcomeStatus.Failed), CancellationToken.None));
    }

    public void Dispose() => _temp.Delete(recursive: true);

    private RequestLedger Open() => RequestLedger.Open(LedgerPath, _time, TimeSpan.FromDays(14));

    private RunbookOutcome Outcome(Guid id, RunbookOutcomeStatus status) => new()
    {
        RequestId = id, Runbook = "Set-ImapCertificate", Server = "ex01", Status = status, Backend = "PowerShell",
        StartedAt = _time.GetUtcNow(), CompletedAt = _time.GetUtcNow(), Messages = ["bound certificate ABC to IMAP"],
        Before = System.Text.Json.Nodes.JsonNode.Parse(Encoding.UTF8.GetBytes("{\"thumbprint\":null}")),
    };
}
