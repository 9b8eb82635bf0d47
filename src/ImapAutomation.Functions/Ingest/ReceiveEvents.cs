using System.Runtime.CompilerServices;
using ImapAutomation.Core.Ingestion;
using ImapAutomation.Core.Signals;
using ImapAutomation.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Functions.Ingest;

/// <summary>
/// The push path for forwarders: a batch of Event XML, a Log Analytics JSON response or CSV. 202 with counts once the
/// incidents are written; 400 with every reason when nothing in the batch could be used.
/// </summary>
public sealed class ReceiveEvents(EventIngestor ingestor, IOptions<FunctionsOptions> options)
{
    // The format is told from the content (Event XML, JSON, CSV, .evtx), so the media type only has to be a plausible one.
    private static readonly string[] MediaTypes = ["application/xml", "text/xml", "application/json", "text/csv", "text/plain", "application/octet-stream"];

    [Function(nameof(ReceiveEvents))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "events")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, error) = await RequestBody.ReadAsync(request, options.Value.MaxBodyBytes, MediaTypes, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        using var input = await SignalReader.OpenAsync(new MemoryStream(body!), cancellationToken: cancellationToken).ConfigureAwait(false);
        var summary = await ingestor.IngestAsync(OnlyKnownServers(input.ReadAsync(cancellationToken), cancellationToken), cancellationToken).ConfigureAwait(false);
        if (summary.Events == 0 && summary.Rejected > 0)
        {
            return Problem.Create(StatusCodes.Status400BadRequest, "No usable event",
                $"None of the input could be read ({summary.Rejected} rejection(s); format {input.Format}).",
                new Dictionary<string, object?> { ["rejections"] = summary.Rejections });
        }

        return new ObjectResult(summary) { StatusCode = StatusCodes.Status202Accepted };
    }

    private async IAsyncEnumerable<SignalItem> OnlyKnownServers(IAsyncEnumerable<SignalItem> items, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var index = 0L;
        await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            index++;
            if (item is SignalEvent e && !options.Value.IsKnownServer(e.Server))
            {
                yield return new SignalRejection($"event {index}", $"computer '{Truncate(e.Server)}' is not one of the configured Exchange servers (Functions:Servers)");
                continue;
            }

            yield return item;
        }
    }

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
