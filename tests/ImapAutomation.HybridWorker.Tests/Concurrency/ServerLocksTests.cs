using ImapAutomation.HybridWorker.Concurrency;

namespace ImapAutomation.HybridWorker.Tests.Concurrency;

public sealed class ServerLocksTests
{
    [Fact]
    public async Task AcquireAsync_SameServerAnyCase_WaitsForTheHolder()
    {
        var locks = new ServerLocks();
        var first = await locks.AcquireAsync("EX01", CancellationToken.None);

        var second = locks.AcquireAsync("ex01", CancellationToken.None);
        await Task.Delay(100);
        Assert.False(second.IsCompleted);

        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.Equal(0, locks.ActiveServers);
    }

    [Fact]
    public async Task AcquireAsync_DifferentServers_DoNotWait()
    {
        var locks = new ServerLocks();
        using var first = await locks.AcquireAsync("ex01", CancellationToken.None);

        var second = locks.AcquireAsync("ex02", CancellationToken.None);

        Assert.True(second.IsCompletedSuccessfully);
        (await second).Dispose();
    }

    [Fact]
    public async Task AcquireAsync_CancelledWhileWaiting_ThrowsAndLeavesNoEntry()
    {
        var locks = new ServerLocks();
        var held = await locks.AcquireAsync("ex01", CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => locks.AcquireAsync("ex01", cts.Token));
        held.Dispose();

        Assert.Equal(0, locks.ActiveServers);
    }

    [Fact]
    public async Task Dispose_Twice_ReleasesOnce()
    {
        var locks = new ServerLocks();
        var lease = await locks.AcquireAsync("ex01", CancellationToken.None);
        var waiter = locks.AcquireAsync("ex01", CancellationToken.None);

        lease.Dispose();
        lease.Dispose();
        using var second = await waiter;
        var third = locks.AcquireAsync("ex01", CancellationToken.None);

        await Task.Delay(50);
        Assert.False(third.IsCompleted);
        second.Dispose();
        (await third).Dispose();
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task AcquireAsync_BlankServer_Throws(string server)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => new ServerLocks().AcquireAsync(server, CancellationToken.None));
    }
}
