namespace ImapAutomation.HybridWorker.Queue;

/// <summary>
/// Where <see cref="RequestLoop"/> receives raw messages; <see cref="RequestProcessor"/> verifies them with the
/// contract, runs them through <see cref="Ledger.ExactlyOnceExecutor"/>, posts the result and only then deletes the message.
/// </summary>
public interface IRequestSource
{
    /// <summary>Takes up to <paramref name="maxMessages"/> messages, invisible to others for <paramref name="visibility"/>.</summary>
    Task<IReadOnlyList<IReceivedRequest>> ReceiveAsync(int maxMessages, TimeSpan visibility, CancellationToken cancellationToken);
}

/// <summary>One received, not yet verified, message.</summary>
public interface IReceivedRequest
{
    string MessageId { get; }

    /// <summary>The message text exactly as queued (the contract decides its encoding).</summary>
    string Body { get; }

    long DequeueCount { get; }

    /// <summary>Keeps the message invisible while its runbook runs.</summary>
    Task RenewAsync(TimeSpan visibility, CancellationToken cancellationToken);

    /// <summary>Removes the message; called only after its result was posted.</summary>
    Task DeleteAsync(CancellationToken cancellationToken);
}

/// <summary>Where results go (the results queue); the body is the contract's serialized result.</summary>
public interface IResultSink
{
    Task PostAsync(string body, CancellationToken cancellationToken);
}
