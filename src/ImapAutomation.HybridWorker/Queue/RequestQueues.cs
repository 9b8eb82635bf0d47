namespace ImapAutomation.HybridWorker.Queue;

/// <summary>The three queues the loop uses: requests in, results out, and the poison queue for messages it cannot read.</summary>
public sealed record RequestQueues(IRequestSource Requests, IResultSink Results, IResultSink Poison);
