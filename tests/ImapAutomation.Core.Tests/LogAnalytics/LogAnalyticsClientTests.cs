using System.Text.Json;
using Azure;
using Azure.Core.Pipeline;
using ImapAutomation.Core.LogAnalytics;
using ImapAutomation.Testing;

namespace ImapAutomation.Core.Tests.LogAnalytics;

public sealed class LogAnalyticsClientTests : IAsyncLifetime
{
    private const string WorkspaceId = "63613592-b6f7-4c3d-a390-22ba13102111";
    private RecordingHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await RecordingHttpServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task QueryWorkspaceAsync_Success_SendsTheDocumentedRequestAndParsesTheTables()
    {
        _server.Enqueue(new ScriptedResponse(200, Sample("oms-post-example.response.json")));

        var result = await CreateClient().QueryWorkspaceAsync(WorkspaceId, "Usage | take 10", LogsQueryTimeRange.Last(TimeSpan.FromHours(12)));

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/v1/workspaces/{WorkspaceId}/query", request.PathAndQuery);
        Assert.Equal("Bearer token-for-https://api.loganalytics.io/.default", request.Headers["Authorization"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("wait=180", request.Headers["Prefer"]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("Usage | take 10", body.RootElement.GetProperty("query").GetString());
        Assert.Equal("PT12H", body.RootElement.GetProperty("timespan").GetString());

        var table = result.PrimaryTable;
        Assert.Equal("PrimaryResult", table.Name);
        Assert.Equal(21, table.Columns.Count);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal(1, table.IndexOf("computer"));
        Assert.Null(result.PartialError);
    }

    [Fact]
    public async Task QueryWorkspaceAsync_PartialError_ReturnsRowsAndTheError()
    {
        _server.Enqueue(new ScriptedResponse(200, Sample("partial-error.json")));

        var result = await CreateClient().QueryWorkspaceAsync(WorkspaceId, "range s from 1 to 2 step 1", null);

        Assert.Equal("a", result.PrimaryTable.Rows[0][0].GetString());
        Assert.NotNull(result.PartialError);
        Assert.Equal("PartialError", result.PartialError.Code);
        Assert.Equal("EngineError", Assert.Single(result.PartialError.Details).Code);
        using var sent = JsonDocument.Parse(Assert.Single(_server.Requests).Body);
        Assert.False(sent.RootElement.TryGetProperty("timespan", out _));
    }

    [Fact]
    public async Task QueryWorkspaceAsync_ThrottledThenOk_RetriesAfterRetryAfter()
    {
        _server.Enqueue(
            new ScriptedResponse(429, """{"error":{"code":"ThrottledError","message":"Too many requests"}}""", Headers: new Dictionary<string, string> { ["Retry-After"] = "0" }),
            new ScriptedResponse(200, Sample("partial-error.json")));

        var result = await CreateClient().QueryWorkspaceAsync(WorkspaceId, "Event", null);

        Assert.Equal(2, _server.Requests.Count);
        Assert.Single(result.Tables);
    }

    [Fact]
    public async Task QueryWorkspaceAsync_ServerErrorsPersist_ThrowsAfterTheConfiguredRetries()
    {
        for (var i = 0; i < 5; i++)
        {
            _server.Enqueue(new ScriptedResponse(503, """{"error":{"code":"ServiceUnavailable","message":"try later"}}"""));
        }

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => CreateClient(maxRetries: 2).QueryWorkspaceAsync(WorkspaceId, "Event", null));

        Assert.Equal(503, error.Status);
        Assert.Equal("ServiceUnavailable", error.ErrorCode);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task QueryWorkspaceAsync_BadRequest_ThrowsWithTheServiceErrorAndDoesNotRetry()
    {
        _server.Enqueue(new ScriptedResponse(400, """
            {"error":{"code":"BadArgumentError","message":"The request had some invalid properties","innererror":{"code":"SyntaxError","message":"A recognition error occurred in the query."}}}
            """));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => CreateClient().QueryWorkspaceAsync(WorkspaceId, "Event |", null));

        Assert.Equal(400, error.Status);
        Assert.Equal("BadArgumentError", error.ErrorCode);
        Assert.Single(_server.Requests);
    }

    [Theory]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("""{"value":[]}""", "no 'tables'")]
    [InlineData("""{"tables":[{"name":"t","columns":[{"name":"a","type":"string"}],"rows":[["x","y"]]}]}""", "Row 0 of table 't' has 2 values for 1 columns")]
    public async Task QueryWorkspaceAsync_UnusableSuccessBody_ThrowsAClearError(string body, string expected)
    {
        _server.Enqueue(new ScriptedResponse(200, body));

        var error = await Assert.ThrowsAsync<LogAnalyticsResponseException>(() => CreateClient().QueryWorkspaceAsync(WorkspaceId, "Event", null));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryWorkspaceAsync_ResponseOverTheLimit_ThrowsWithoutBufferingItAll()
    {
        _server.Enqueue(new ScriptedResponse(200, "{\"tables\":[],\"pad\":\"" + new string('x', 10_000) + "\"}"));

        var error = await Assert.ThrowsAsync<LogAnalyticsResponseException>(() => CreateClient(maxResponseBytes: 4096).QueryWorkspaceAsync(WorkspaceId, "Event", null));

        Assert.Contains("larger than 4096 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryWorkspaceAsync_WorkspaceIdNotAGuid_ThrowsBeforeSending()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => CreateClient().QueryWorkspaceAsync("../../admin", "Event", null));

        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task QuerySearchResultsLinkAsync_LinkOfTheEndpoint_GetsItWithItsQueryString()
    {
        _server.Enqueue(new ScriptedResponse(200, Sample("partial-error.json")));
        var link = new Uri(_server.BaseAddress, "/v1/workspaces/bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb/query?query=Event%7C%20take%201&timespan=2021-11-16T10%3a17%3a39.0000000Z%2f2021-11-16T11%3a17%3a39.0000000Z");

        await CreateClient().QuerySearchResultsLinkAsync(link);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal(link.PathAndQuery, request.PathAndQuery);
        Assert.StartsWith("Bearer ", request.Headers["Authorization"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://attacker.example/v1/workspaces/x/query?query=Event")]
    [InlineData("http://127.0.0.1:1/v1/workspaces/x/query")]
    public async Task QuerySearchResultsLinkAsync_LinkElsewhere_RefusesAndSendsNoToken(string link)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => CreateClient().QuerySearchResultsLinkAsync(new Uri(link)));

        Assert.Contains("is not followed", error.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task QuerySearchResultsLinkAsync_OtherPathOnTheEndpoint_Refuses()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => CreateClient().QuerySearchResultsLinkAsync(new Uri(_server.BaseAddress, "/v1/admin/keys")));

        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void LogsQueryTimeRange_Between_WritesAnIsoInterval()
    {
        var range = LogsQueryTimeRange.Between(
            new DateTimeOffset(2026, 10, 14, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 14, 11, 0, 0, TimeSpan.FromHours(1)));

        Assert.Equal("2026-10-14T09:00:00.0000000Z/2026-10-14T10:00:00.0000000Z", range.ToString());
    }

    private LogAnalyticsClient CreateClient(int maxRetries = 3, long maxResponseBytes = 64L * 1024 * 1024)
    {
        var options = new LogAnalyticsClientOptions
        {
            Endpoint = _server.BaseAddress,
            MaxResponseBytes = maxResponseBytes,
            Transport = new HttpClientTransport(_server.CreateTrustingHandler()),
        };
        options.Retry.MaxRetries = maxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(5);
        return new LogAnalyticsClient(new StaticTokenCredential(), options);
    }

    private static string Sample(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "LogAnalytics", "WireSamples", name));
}
