using Azure;
using Azure.Storage.Queues;
using ImapAutomation.HybridWorker.Queue;
using ImapAutomation.Testing;

namespace ImapAutomation.HybridWorker.Tests.Queue;

public sealed class StorageQueuesTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task RenewAsync_ThenDeleteAsync_KeepsTheMessageHiddenAndRemovesItWithTheNewReceipt()
    {
        var queue = await Queue();
        await queue.SendMessageAsync("{\"request\":1}");
        var source = new StorageQueueRequestSource(queue);

        var received = Assert.Single(await source.ReceiveAsync(1, TimeSpan.FromSeconds(2), CancellationToken.None));
        await received.RenewAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var whileRenewed = await source.ReceiveAsync(1, TimeSpan.FromSeconds(2), CancellationToken.None);
        await received.DeleteAsync(CancellationToken.None);

        Assert.Equal("{\"request\":1}", received.Body);
        Assert.Equal(1, received.DequeueCount);
        Assert.Empty(whileRenewed);
        Assert.Null((await queue.PeekMessageAsync()).Value);
    }

    [Fact]
    public async Task DeleteAsync_AfterAnotherWorkerTookTheMessage_Fails()
    {
        var queue = await Queue();
        await queue.SendMessageAsync("{\"request\":2}");
        var source = new StorageQueueRequestSource(queue);
        var first = Assert.Single(await source.ReceiveAsync(1, TimeSpan.FromSeconds(1), CancellationToken.None));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var second = Assert.Single(await source.ReceiveAsync(1, TimeSpan.FromSeconds(30), CancellationToken.None));

        await Assert.ThrowsAsync<RequestFailedException>(() => first.DeleteAsync(CancellationToken.None));

        Assert.Equal(2, second.DequeueCount);
        await second.DeleteAsync(CancellationToken.None);
    }

    [Fact]
    public async Task PostAsync_WritesThePlainTextBody()
    {
        var queue = await Queue();

        await new StorageQueueResultSink(queue).PostAsync("{\"status\":\"Succeeded\"}", CancellationToken.None);

        Assert.Equal("{\"status\":\"Succeeded\"}", (await queue.ReceiveMessageAsync()).Value.MessageText);
    }

    [Fact]
    public async Task ReceiveAsync_MoreThanTheServiceAllows_Throws()
    {
        var source = new StorageQueueRequestSource(await Queue());

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => source.ReceiveAsync(33, TimeSpan.FromSeconds(1), CancellationToken.None));
    }

    private async Task<QueueClient> Queue()
    {
        var queue = new QueueClient(azurite.ConnectionString, "q" + Guid.NewGuid().ToString("N"));
        await queue.CreateIfNotExistsAsync();
        return queue;
    }
}
