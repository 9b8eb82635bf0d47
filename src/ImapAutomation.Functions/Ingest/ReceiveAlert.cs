using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Ingestion;
using ImapAutomation.Core.LogAnalytics;
using ImapAutomation.Core.Signals;
using ImapAutomation.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Functions.Ingest;

/// <summary>
/// The action group's webhook (common alert schema). Action groups call on every state change and do not
/// deduplicate, so each (alert, condition, time) is processed once. A Fired log search alert's rows are fetched
/// through its search-results link; without one, its dimensions are used.
/// </summary>
public sealed class ReceiveAlert(
    EventIngestor ingestor, IncidentEngine engine, LogAnalyticsClient logs, TableServiceClient tables, IOptions<FunctionsOptions> options, TimeProvider time)
{
    public const string SchemaId = "azureMonitorCommonAlertSchema";
    private static readonly string[] MediaTypes = ["application/json"];

    [Function(nameof(ReceiveAlert))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "alerts")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, error) = await RequestBody.ReadAsync(request, options.Value.MaxBodyBytes, MediaTypes, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        AlertEnvelope alert;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            if (AlertEnvelope.Read(document.RootElement, out alert) is { } problem)
            {
                return Problem.Create(StatusCodes.Status400BadRequest, "Not a usable alert", problem);
            }
        }
        catch (JsonException ex)
        {
            return Problem.Create(StatusCodes.Status400BadRequest, "Invalid JSON",
                $"The body is not JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}.");
        }

        var deliveries = tables.GetTableClient(StorageNames.AlertsTable);
        var rowKey = DeliveryKey(alert);
        var seen = await deliveries.GetEntityIfExistsAsync<TableEntity>(alert.Partition, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (seen.HasValue)
        {
            return new OkObjectResult(new { duplicate = true, alert.AlertId, alert.Condition });
        }

        IngestSummary? summary = null;
        if (alert.Condition == "Fired")
        {
            summary = await IngestAsync(alert, body!, cancellationToken).ConfigureAwait(false);
            if (summary is null)
            {
                return Problem.Create(StatusCodes.Status503ServiceUnavailable, "Log Analytics unavailable",
                    "The alert's search results could not be fetched; the action group will retry.");
            }

            if (summary.Events == summary.Ignored)
            {
                return Problem.Create(StatusCodes.Status400BadRequest, "Nothing to classify",
                    "The alert has no search-results link with IMAP/TLS Event rows and no Computer/Source/EventID dimensions the rules use.",
                    new Dictionary<string, object?> { ["notices"] = summary.Notices, ["rejections"] = summary.Rejections });
            }
        }

        // A resolution goes on the timelines of the named servers' incidents; it changes no state (the probe decides).
        var noted = new List<string>();
        foreach (var computer in alert.Condition == "Resolved" ? alert.Computers.Where(options.Value.IsKnownServer) : [])
        {
            noted.AddRange(await engine.RecordAlertResolvedAsync(computer, alert.AlertId, alert.Rule, alert.ChangedAt, cancellationToken).ConfigureAwait(false));
        }

        // Recorded only once the events are committed: a failure above makes the retry process the alert again.
        var row = new TableEntity(alert.Partition, rowKey)
        {
            ["AlertId"] = alert.AlertId, ["Rule"] = alert.Rule, ["Condition"] = alert.Condition, ["ReceivedAt"] = time.GetUtcNow(),
            ["Events"] = summary?.Events ?? 0,
        };
        try
        {
            await deliveries.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status409Conflict)
        {
            // A parallel delivery of the same alert won; the engine folds repeated detections, so both are safe.
        }

        return summary is null
            ? new OkObjectResult(new { recorded = alert.Condition, alert.AlertId, incidents = noted })
            : new ObjectResult(summary) { StatusCode = StatusCodes.Status202Accepted };
    }

    private async Task<IngestSummary?> IngestAsync(AlertEnvelope alert, byte[] body, CancellationToken cancellationToken)
    {
        foreach (var link in alert.Links)
        {
            LogsQueryResult rows;
            try
            {
                rows = await logs.QuerySearchResultsLinkAsync(link, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException)
            {
                return null;
            }

            using var input = await SignalReader.OpenAsync(rows.RawBody.ToStream(), cancellationToken: cancellationToken).ConfigureAwait(false);
            var fromRows = await ingestor.IngestAsync(input.ReadAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            if (fromRows.Events > 0)
            {
                return fromRows;
            }
        }

        using var dimensions = await SignalReader.OpenAsync(new MemoryStream(body), cancellationToken: cancellationToken).ConfigureAwait(false);
        return await ingestor.IngestAsync(dimensions.ReadAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static string DeliveryKey(AlertEnvelope alert) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{alert.AlertId}|{alert.Condition}|{alert.ChangedAt}")));
}
