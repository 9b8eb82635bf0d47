using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.LocalParts.Processes;
using ImapAutomation.Testing;

namespace ImapAutomation.HybridWorker.Tests.Queue;

/// <summary>The worker as its own process (<c>dotnet ImapAutomation.HybridWorker.dll</c>), killed in the middle of a runbook.</summary>
public sealed class WorkerCrashTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task KilledMidRunbook_Restarted_RequestIsAnsweredOnceAndNeverRunTwice()
    {
        await using var worker = new WorkerHarness(azurite);
        worker.UseShortVisibility(RunbookNames.RestartImapServices, "Restart-Marked.ps1");
        var marker = Path.Combine(worker.Folder.FullName, "runs.txt");
        await worker.CreateQueuesAsync();
        var request = WorkerHarness.NewRequest(RunbookNames.RestartImapServices);
        await worker.SendAsync(request);

        await using (var first = StartWorkerProcess(worker, marker))
        {
            await WaitForAsync(() => File.Exists(marker), () => first.Output);
        }

        // Killed (the whole process tree, no chance to clean up): the ledger holds a start and no end.
        var ledger = File.ReadAllText(worker.Settings["HybridWorker:LedgerPath"]!);
        Assert.Contains("\"started\"", ledger, StringComparison.Ordinal);
        Assert.DoesNotContain("\"completed\"", ledger, StringComparison.Ordinal);

        await using var second = StartWorkerProcess(worker, marker);
        var result = Assert.Single(await worker.WaitForResultsAsync(1, Patience));

        Assert.Equal(request.RequestId, result.RequestId);
        Assert.Equal(RunbookStatus.Failed, result.Status);
        Assert.Contains("never recorded its end", result.Error, StringComparison.Ordinal);
        Assert.Equal(["ran on ex01"], File.ReadAllLines(marker));
        await WaitForAsync(async () => (await worker.Requests.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, () => second.Output);
        // Nothing more comes: no second answer, no second run.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Null((await worker.Results.PeekMessageAsync()).Value);
        Assert.Equal(["ran on ex01"], File.ReadAllLines(marker));
    }

    /// <summary>The worker's own build output (bin/&lt;configuration&gt;/&lt;tfm&gt; as this test's), with its own dependencies.</summary>
    private static string WorkerFolder
    {
        get
        {
            var tfm = new DirectoryInfo(AppContext.BaseDirectory);
            return RepoPaths.InRoot("src", "ImapAutomation.HybridWorker", "bin", tfm.Parent!.Name, tfm.Name);
        }
    }

    private static ChildProcess StartWorkerProcess(WorkerHarness worker, string marker) => ChildProcess.Start(
        "Hybrid worker",
        "dotnet",
        [Path.Combine(WorkerFolder, "ImapAutomation.HybridWorker.dll"), .. worker.Settings.Select(s => $"--{s.Key}={s.Value}")],
        WorkerFolder,
        new Dictionary<string, string> { [ExchangeLabPaths.StateVariable] = worker.LabState, ["IMAPAUTO_TEST_MARKER"] = marker });

    private static Task WaitForAsync(Func<bool> condition, Func<string> output) => WaitForAsync(() => Task.FromResult(condition()), output);

    private static async Task WaitForAsync(Func<Task<bool>> condition, Func<string> output)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out; the worker wrote:\n" + output());
            await Task.Delay(200);
        }
    }
}
