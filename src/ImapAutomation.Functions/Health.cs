using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using ImapAutomation.Core.Catalog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ImapAutomation.Functions;

/// <summary>
/// Liveness for the deploy workflow's smoke test and for operators: 200 when every table and queue the app uses
/// answers with the app's own identity, 503 naming what does not (a missing role assignment shows up here first).
/// </summary>
public sealed class Health(TableServiceClient tables, QueueServiceClient queues)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    [Function(nameof(Health))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        var problems = new List<string>();
        foreach (var table in StorageNames.Tables)
        {
            await Probe($"table {table}", () => tables.GetTableClient(table).QueryAsync<TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: timeout.Token).AsPages().GetAsyncEnumerator(timeout.Token).MoveNextAsync().AsTask(), problems).ConfigureAwait(false);
        }

        foreach (var queue in StorageNames.Queues)
        {
            await Probe($"queue {queue}", () => queues.GetQueueClient(queue).GetPropertiesAsync(timeout.Token), problems).ConfigureAwait(false);
        }

        return problems.Count == 0
            ? new OkObjectResult(new { status = "ok" })
            : new ObjectResult(new { status = "unhealthy", problems }) { StatusCode = StatusCodes.Status503ServiceUnavailable };
    }

    private static async Task Probe(string what, Func<Task> call, List<string> problems)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            problems.Add($"{what}: {ex.Status} {ex.ErrorCode}");
        }
        catch (OperationCanceledException)
        {
            problems.Add($"{what}: no answer within {Budget.TotalSeconds:0} s");
        }
    }
}
