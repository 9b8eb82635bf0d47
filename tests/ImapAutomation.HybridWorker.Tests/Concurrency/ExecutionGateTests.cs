using ImapAutomation.HybridWorker.Concurrency;

namespace ImapAutomation.HybridWorker.Tests.Concurrency;

public sealed class ExecutionGateTests
{
    [Fact]
    public async Task EnterAsync_MoreServersThanSlots_AdmitsOnlyTheLimit()
    {
        using var gate = new ExecutionGate(2);
        var a = await gate.EnterAsync("ex01", CancellationToken.None);
        var b = await gate.EnterAsync("ex02", CancellationToken.None);

        var c = gate.EnterAsync("ex03", CancellationToken.None);
        await Task.Delay(100);

        Assert.False(c.IsCompleted);
        Assert.Equal(2, gate.Running);
        a.Dispose();
        (await c.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        b.Dispose();
        Assert.Equal(0, gate.Running);
    }

    [Fact]
    public async Task EnterAsync_WaitingForABusyServer_HoldsNoSlot()
    {
        using var gate = new ExecutionGate(2);
        using var busy = await gate.EnterAsync("ex01", CancellationToken.None);

        var sameServer = gate.EnterAsync("ex01", CancellationToken.None);
        var otherServer = gate.EnterAsync("ex02", CancellationToken.None);

        Assert.False(sameServer.IsCompleted);
        Assert.True(otherServer.IsCompletedSuccessfully);
        (await otherServer).Dispose();
        busy.Dispose();
        (await sameServer.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task EnterAsync_ManyRequestsForOneServer_NeverOverlap()
    {
        using var gate = new ExecutionGate(4);
        var inside = 0;
        var maxInside = 0;

        await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var lease = await gate.EnterAsync("ex01", CancellationToken.None);
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref maxInside, now);
            await Task.Delay(5);
            Interlocked.Decrement(ref inside);
        }));

        Assert.Equal(1, maxInside);
    }

    [Fact]
    public void Constructor_ZeroConcurrency_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExecutionGate(0));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
