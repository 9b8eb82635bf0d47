using Azure.Storage.Queues;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Testing;

namespace ImapAutomation.HybridWorker.Tests;

public sealed class AzuriteQueueTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task SendReceiveDelete_OnRequestsQueue_RoundTripsTheMessage()
    {
        var queue = new QueueClient(azurite.ConnectionString, StorageNames.RequestsQueue);
        await queue.CreateIfNotExistsAsync();

        await queue.SendMessageAsync("{\"hello\":\"worker\"}");
        var received = await queue.ReceiveMessageAsync();

        Assert.NotNull(received.Value);
        Assert.Equal("{\"hello\":\"worker\"}", received.Value.MessageText);
        await queue.DeleteMessageAsync(received.Value.MessageId, received.Value.PopReceipt);
        Assert.Null((await queue.ReceiveMessageAsync()).Value);
    }
}
