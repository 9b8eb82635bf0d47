using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace ImapAutomation.HybridWorker.Queue;

/// <summary>The requests queue as an <see cref="IRequestSource"/>. Messages are plain text (host.json sets <c>messageEncoding: none</c>).</summary>
public sealed class StorageQueueRequestSource(QueueClient queue) : IRequestSource
{
    public async Task<IReadOnlyList<IReceivedRequest>> ReceiveAsync(int maxMessages, TimeSpan visibility, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, 32);
        var messages = await queue.ReceiveMessagesAsync(maxMessages, visibility, cancellationToken).ConfigureAwait(false);
        return [.. messages.Value.Select(m => new StorageQueueReceivedRequest(queue, m))];
    }
}

/// <summary>One received message; the pop receipt changes with every renewal, so it is kept here.</summary>
internal sealed class StorageQueueReceivedRequest(QueueClient queue, QueueMessage message) : IReceivedRequest
{
    private string _popReceipt = message.PopReceipt;

    public string MessageId => message.MessageId;

    public string Body => message.Body.ToString();

    public long DequeueCount => message.DequeueCount;

    public async Task RenewAsync(TimeSpan visibility, CancellationToken cancellationToken)
    {
        var receipt = await queue.UpdateMessageAsync(MessageId, _popReceipt, visibilityTimeout: visibility, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        _popReceipt = receipt.Value.PopReceipt;
    }

    public Task DeleteAsync(CancellationToken cancellationToken) => queue.DeleteMessageAsync(MessageId, _popReceipt, cancellationToken);
}

/// <summary>The results queue as an <see cref="IResultSink"/>.</summary>
public sealed class StorageQueueResultSink(QueueClient queue) : IResultSink
{
    public Task PostAsync(string body, CancellationToken cancellationToken) => queue.SendMessageAsync(body, cancellationToken);
}
