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
            await Probe($"table {table}", () => FirstPageAsync(tables.GetTableClient(table), timeout.Token), problems).ConfigureAwait(false);
        }

        foreach (var queue in StorageNames.Queues)
        {
            await Probe($"queue {queue}", () => queues.GetQueueClient(queue).GetPropertiesAsync(timeout.Token), problems).ConfigureAwait(false);
        }

        return problems.Count == 0
            ? new OkObjectResult(new { status = "ok" })
            : new ObjectResult(new { status = "unhealthy", problems }) { StatusCode = StatusCodes.Status503ServiceUnavailable };
    }

    /// <summary>Reads one page of at most one row: the cheapest call that needs read access to the table.</summary>
    private static async Task FirstPageAsync(TableClient table, CancellationToken cancellationToken)
    {
        var pages = table.QueryAsync<TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).AsPages();
        await using var page = pages.GetAsyncEnumerator(cancellationToken);
        await page.MoveNextAsync().ConfigureAwait(false);
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
