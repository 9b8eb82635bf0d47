using System.Text.Json.Nodes;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Functions.Ingest;
using ImapAutomation.Testing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace ImapAutomation.Functions.Tests.Ingest;

public sealed class ReceiveAlertTests(FunctionsHarness harness) : IClassFixture<FunctionsHarness>
{
    [Fact]
    public async Task Run_FiredLogAlert_FetchesItsFilteredRowsAndOpensTheIncident()
    {
        harness.LogAnalytics.Enqueue(new ScriptedResponse(200, EventRows("exch02.contoso.com", 36888, "Schannel", 40)));
        var alert = Alert("fired-1", "Fired", filteredLink: true);

        var result = await harness.Get<ReceiveAlert>().Run(FunctionsHarness.Post(alert, "application/json"), CancellationToken.None);

        Assert.Equal(202, Assert.IsType<ObjectResult>(result).StatusCode);
        var request = Assert.Single(harness.LogAnalytics.Requests, r => r.PathAndQuery.Contains("fired-1", StringComparison.Ordinal));
        Assert.Contains("filtered", request.PathAndQuery, StringComparison.Ordinal);
        Assert.NotNull(await harness.Services.GetRequiredService<IncidentEngine>().GetAsync("exch02.contoso.com/TlsHandshakeFailure", CancellationToken.None));
    }

    [Fact]
    public async Task Run_SameAlertDeliveredTwice_ProcessesItOnce()
    {
        harness.LogAnalytics.Enqueue(new ScriptedResponse(200, EventRows("exch01.contoso.com", 1009, "MSExchangeIMAP4", null)));
        var alert = Alert("twice-1", "Fired", filteredLink: true);
        var function = harness.Get<ReceiveAlert>();

        await function.Run(FunctionsHarness.Post(alert, "application/json"), CancellationToken.None);
        var second = await function.Run(FunctionsHarness.Post(alert, "application/json"), CancellationToken.None);

        Assert.IsType<OkObjectResult>(second);
        Assert.Single(harness.LogAnalytics.Requests, r => r.PathAndQuery.Contains("twice-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_FiredThenResolved_RecordsBothAndFetchesOnlyForTheFired()
    {
        harness.LogAnalytics.Enqueue(new ScriptedResponse(200, EventRows("exch01.contoso.com", 1101, "MSExchangeIMAP4", null)));
        var function = harness.Get<ReceiveAlert>();

        var fired = await function.Run(FunctionsHarness.Post(Alert("pair-1", "Fired", filteredLink: true), "application/json"), CancellationToken.None);
        var resolved = await function.Run(FunctionsHarness.Post(Alert("pair-1", "Resolved", filteredLink: true), "application/json"), CancellationToken.None);

        Assert.Equal(202, Assert.IsType<ObjectResult>(fired).StatusCode);
        Assert.Contains("Resolved", Assert.IsType<OkObjectResult>(resolved).Value!.ToString(), StringComparison.Ordinal);
        Assert.Single(harness.LogAnalytics.Requests, r => r.PathAndQuery.Contains("pair-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_ResolvedForAServerWithAnIncident_RecordedOnceOnItsTimeline()
    {
        const string Server = "exch02.contoso.com";
        harness.LogAnalytics.Enqueue(new ScriptedResponse(200, EventRows(Server, 36888, "Schannel", 40)));
        var function = harness.Get<ReceiveAlert>();
        await function.Run(FunctionsHarness.Post(Alert("resolved-1", "Fired", filteredLink: true, computer: Server), "application/json"), CancellationToken.None);

        var resolved = await function.Run(FunctionsHarness.Post(Alert("resolved-1", "Resolved", filteredLink: true, computer: "EXCH02.contoso.com"), "application/json"), CancellationToken.None);
        await function.Run(FunctionsHarness.Post(Alert("resolved-1", "Resolved", filteredLink: true, computer: Server), "application/json"), CancellationToken.None);

        Assert.Contains("exch02.contoso.com/TlsHandshakeFailure", System.Text.Json.JsonSerializer.Serialize(Assert.IsType<OkObjectResult>(resolved).Value), StringComparison.Ordinal);
        var engine = harness.Services.GetRequiredService<IncidentEngine>();
        var entry = Assert.Single(await engine.GetTimelineAsync(Server + "/TlsHandshakeFailure", CancellationToken.None), e => e.What == "alert resolved" && e.Detail!.Contains("resolved-1", StringComparison.Ordinal));
        Assert.Equal("azure-monitor", entry.Actor);
        Assert.NotEqual(IncidentState.Resolved, (await engine.GetAsync(Server + "/TlsHandshakeFailure", CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Run_LogAnalyticsDown_Is503SoTheActionGroupRetries()
    {
        harness.LogAnalytics.Enqueue(new ScriptedResponse(500, """{"error":{"code":"InternalServerError","message":"down"}}"""));

        var result = await harness.Get<ReceiveAlert>().Run(FunctionsHarness.Post(Alert("down-1", "Fired", filteredLink: true), "application/json"), CancellationToken.None);

        Assert.Equal(503, Assert.IsType<ObjectResult>(result).StatusCode);
    }

    [Theory]
    [InlineData("""{"schemaId":"Microsoft.Insights/LogAlert","data":{}}""", "schemaId")]
    [InlineData("""{"schemaId":"azureMonitorCommonAlertSchema","data":{"essentials":{"monitorCondition":"Fired"}}}""", "alertId")]
    [InlineData("""{"schemaId":"azureMonitorCommonAlertSchema","data":{"essentials":{"alertId":"x","monitorCondition":"Maybe"}}}""", "monitorCondition")]
    [InlineData("""{"schemaId": """, "not JSON")]
    public async Task Run_UnusablePayload_Is400SayingWhat(string body, string expected)
    {
        var result = await harness.Get<ReceiveAlert>().Run(FunctionsHarness.Post(body, "application/json"), CancellationToken.None);

        var problem = Assert.IsType<ProblemDetails>(Assert.IsType<ObjectResult>(result).Value);
        Assert.Equal(400, problem.Status);
        Assert.Contains(expected, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FiredWithoutLinksOrDimensions_Is400NothingToClassify()
    {
        var result = await harness.Get<ReceiveAlert>().Run(FunctionsHarness.Post(Alert("bare-1", "Fired", filteredLink: false), "application/json"), CancellationToken.None);

        var problem = Assert.IsType<ProblemDetails>(Assert.IsType<ObjectResult>(result).Value);
        Assert.Equal("Nothing to classify", problem.Title);
    }

    /// <summary>The corpus's Log Alerts V2 payload with its id, condition and links pointed at the recording endpoint.</summary>
    private string Alert(string id, string condition, bool filteredLink, string? computer = null)
    {
        var alert = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Shared, "corpora", "azure-monitor", "common-schema-log-alert-v2.json")))!;
        var essentials = alert["data"]!["essentials"]!;
        essentials["alertId"] = "/subscriptions/1/providers/Microsoft.AlertsManagement/alerts/" + id;
        essentials["monitorCondition"] = condition;
        essentials["resolvedDateTime"] = "2021-11-16T12:00:00Z";
        var criteria = alert["data"]!["alertContext"]!["condition"]!["allOf"]![0]!;
        criteria["dimensions"] = computer is null ? new JsonArray() : new JsonArray(new JsonObject { ["name"] = "Computer", ["value"] = computer });
        var root = harness.LogAnalytics.BaseAddress.ToString().TrimEnd('/');
        criteria["linkToSearchResultsAPI"] = filteredLink ? $"{root}/v1/workspaces/w/query?query=all-{id}" : null;
        criteria["linkToFilteredSearchResultsAPI"] = filteredLink ? $"{root}/v1/workspaces/w/query?query=filtered-{id}" : null;
        return alert.ToJsonString();
    }

    private static string EventRows(string computer, int id, string source, int? alert)
    {
        var data = alert is { } a ? $"<EventData><Data Name=\"AlertDesc\">{a}</Data><Data Name=\"ErrorState\">1205</Data></EventData>" : "<EventData><Data>x</Data></EventData>";
        var row = new JsonArray("2021-11-16T11:00:00Z", computer, source, id, data);
        var columns = new JsonArray(
            new JsonObject { ["name"] = "TimeGenerated", ["type"] = "datetime" }, new JsonObject { ["name"] = "Computer", ["type"] = "string" },
            new JsonObject { ["name"] = "Source", ["type"] = "string" }, new JsonObject { ["name"] = "EventID", ["type"] = "int" },
            new JsonObject { ["name"] = "EventData", ["type"] = "string" });
        return new JsonObject { ["tables"] = new JsonArray(new JsonObject { ["name"] = "PrimaryResult", ["columns"] = columns, ["rows"] = new JsonArray(row) }) }.ToJsonString();
    }
}
