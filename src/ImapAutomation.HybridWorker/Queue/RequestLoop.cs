using Microsoft.Extensions.Options;

namespace ImapAutomation.HybridWorker.Queue;

/// <summary>
/// The worker's main loop: receives up to <see cref="RequestLoopOptions.BatchSize"/> messages at a time (never holding
/// more than that), hands each to <see cref="RequestProcessor"/> concurrently (the execution gate serialises per server
/// and bounds the total), and keeps serving whatever one message does.
/// </summary>
public sealed partial class RequestLoop(
    RequestProcessor processor, RequestQueues queues, IOptions<RequestLoopOptions> options, TimeProvider time, ILogger<RequestLoop> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var held = new SemaphoreSlim(settings.BatchSize, settings.BatchSize);
        var inFlight = new HashSet<Task>();
        LogStarted(logger, settings.RequestsQueue, settings.BatchSize);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await held.WaitAsync(stoppingToken).ConfigureAwait(false);
                var free = 1;
                while (free < settings.BatchSize && held.Wait(0, CancellationToken.None))
                {
                    free++;
                }

                IReadOnlyList<IReceivedRequest> messages;
                try
                {
                    messages = await queues.Requests.ReceiveAsync(free, settings.VisibilityTimeout, stoppingToken).ConfigureAwait(false);
                }
                catch (Azure.RequestFailedException ex)
                {
                    LogReceiveFailed(logger, ex.Status, ex.ErrorCode, ex.Message);
                    messages = [];
                }

                if (free > messages.Count)
                {
                    held.Release(free - messages.Count);
                }

                foreach (var message in messages)
                {
                    var task = ProcessOneAsync(message, held, stoppingToken);
                    lock (inFlight)
                    {
                        inFlight.Add(task);
                    }

                    _ = task.ContinueWith(t => { lock (inFlight) { inFlight.Remove(t); } }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }

                if (messages.Count == 0)
                {
                    await Task.Delay(settings.PollInterval, time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: no more receives.
        }

        Task[] remaining;
        lock (inFlight)
        {
            remaining = [.. inFlight];
        }

        // Running runbooks are let finish (within the host's shutdown timeout); a message not deleted comes back later.
        await Task.WhenAll(remaining).ConfigureAwait(false);
    }

    private async Task ProcessOneAsync(IReceivedRequest message, SemaphoreSlim held, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Yield();
            await processor.ProcessAsync(message, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            LogLeftOnStop(logger, message.MessageId);
        }
#pragma warning disable CA1031 // One bad message or a storage outage must not stop the worker: the message comes back and is tried again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailed(logger, message.MessageId, ex);
        }
        finally
        {
            held.Release();
        }
    }

    [LoggerMessage(50, LogLevel.Information, "Serving {Queue}, up to {BatchSize} messages at a time")]
    private static partial void LogStarted(ILogger logger, string queue, int batchSize);

    [LoggerMessage(51, LogLevel.Warning, "Receiving from the requests queue failed ({Status} {ErrorCode}): {Message}; retrying")]
    private static partial void LogReceiveFailed(ILogger logger, int status, string? errorCode, string message);

    [LoggerMessage(52, LogLevel.Error, "Message {MessageId} could not be completed; it stays in the queue and comes back")]
    private static partial void LogFailed(ILogger logger, string messageId, Exception exception);

    [LoggerMessage(53, LogLevel.Information, "Stopping: message {MessageId} left in the queue")]
    private static partial void LogLeftOnStop(ILogger logger, string messageId);
}
