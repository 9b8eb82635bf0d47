using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ImapAutomation.Core.LogAnalytics;
using ImapAutomation.Core.Polling;
using ImapAutomation.Core.Signals;
using ImapAutomation.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ImapAutomation.Core.Tests.Polling;

public sealed class EventPollerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 10, 14, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly EventPollOptions _options = new() { WorkspaceId = "63613592-b6f7-4c3d-a390-22ba13102111" };
    private RecordingHttpServer _logAnalytics = null!;
    private TableClient _table = null!;

    public async Task InitializeAsync()
    {
        _logAnalytics = await RecordingHttpServer.StartAsync();
        _table = new TableServiceClient(azurite.ConnectionString).GetTableClient("Checkpoints" + Guid.NewGuid().ToString("N")[..8]);
        await _table.CreateIfNotExistsAsync();
    }

    public async Task DisposeAsync() => await _logAnalytics.DisposeAsync();

    [Fact]
    public async Task PollAsync_TwoOverlappingPollsWithLateEvents_IngestsEveryEventExactlyOnce()
    {
        var ingested = new List<SignalEvent>();
        var poller = CreatePoller();
        _logAnalytics.Enqueue(
            Rows((T0.AddMinutes(-5), "ex01.contoso.com", "Schannel", 36888, "51", 4000)),
            Rows((T0.AddMinutes(-5), "ex01.contoso.com", "Schannel", 36888, "51", 4812), (T0, "ex01.contoso.com", "MSExchangeIMAP4", 1102, "", 12)));

        var first = await poller.PollAsync(Collect(ingested), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(5));
        var second = await poller.PollAsync(Collect(ingested), CancellationToken.None);

        Assert.Equal(4000, first.NewEvents);
        Assert.Equal(812 + 12, second.NewEvents);
        Assert.Equal(4824, ingested.Where(e => e.Server == "ex01.contoso.com").Sum(e => e.Count));
        Assert.Equal(T0 - TimeSpan.FromMinutes(10), second.From);
        using var sent = JsonDocument.Parse(_logAnalytics.Requests[1].Body);
        Assert.Contains("datetime(2026-10-14T08:50:00.0000000Z)", sent.RootElement.GetProperty("query").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollAsync_IngestFails_LeavesTheCheckpointSoTheIntervalIsReadAgain()
    {
        var poller = CreatePoller();
        var rows = Rows((T0.AddMinutes(-5), "ex01.contoso.com", "Schannel", 36888, "51", 10));
        _logAnalytics.Enqueue(rows, rows);

        await Assert.ThrowsAsync<InvalidOperationException>(() => poller.PollAsync((_, _) => throw new InvalidOperationException("queue down"), CancellationToken.None));
        var ingested = new List<SignalEvent>();
        var retry = await poller.PollAsync(Collect(ingested), CancellationToken.None);

        Assert.Equal(10, retry.NewEvents);
        Assert.Equal(T0 - TimeSpan.FromHours(1), retry.From);
    }

    [Fact]
    public async Task SaveAsync_TwoPollersFromTheSameCheckpoint_TheSecondGetsAConflict()
    {
        var store = new PollCheckpointStore(_table);
        var (a, etagA) = await store.LoadAsync("race", CancellationToken.None);
        var (b, etagB) = await store.LoadAsync("race", CancellationToken.None);
        a.Advance([], T0, _options);
        b.Advance([], T0, _options);

        await store.SaveAsync("race", a, etagA, CancellationToken.None);

        await Assert.ThrowsAsync<PollConflictException>(() => store.SaveAsync("race", b, etagB, CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_ResultWithoutTheAggregateColumns_FailsAndKeepsTheCheckpoint()
    {
        _logAnalytics.Enqueue(new ScriptedResponse(200, """{"tables":[{"name":"PrimaryResult","columns":[{"name":"Computer","type":"string"}],"rows":[["ex01"]]}]}"""));

        var error = await Assert.ThrowsAsync<LogAnalyticsResponseException>(() => CreatePoller().PollAsync((_, _) => Task.CompletedTask, CancellationToken.None));

        Assert.Contains("lacks the column(s) Bucket, Source, EventID", error.Message, StringComparison.Ordinal);
        var (checkpoint, _) = await new PollCheckpointStore(_table).LoadAsync(EventPoller.CheckpointName, CancellationToken.None);
        Assert.Null(checkpoint.Watermark);
    }

    private EventPoller CreatePoller()
    {
        var options = new LogAnalyticsClientOptions { Endpoint = _logAnalytics.BaseAddress, Transport = new HttpClientTransport(_logAnalytics.CreateTrustingHandler()) };
        options.Retry.MaxRetries = 0;
        return new EventPoller(new LogAnalyticsClient(new StaticTokenCredential(), options), new PollCheckpointStore(_table), _options, _time);
    }

    private static Func<IReadOnlyList<SignalEvent>, CancellationToken, Task> Collect(List<SignalEvent> into) =>
        (events, _) =>
        {
            into.AddRange(events);
            return Task.CompletedTask;
        };

    /// <summary>A 200 response of the poll query in the documented tables/columns/rows shape.</summary>
    private static ScriptedResponse Rows(params (DateTimeOffset Bucket, string Computer, string Source, int EventId, string Alert, long Count)[] rows)
    {
        string[] names = ["Bucket", "Computer", "Source", "EventID", "AlertDesc", "ErrorState", "Count", "FirstSeen", "LastSeen"];
        string[] types = ["datetime", "string", "string", "int", "string", "string", "long", "datetime", "datetime"];
        var table = new JsonObject
        {
            ["name"] = "PrimaryResult",
            ["columns"] = new JsonArray([.. names.Select((n, i) => (JsonNode)new JsonObject { ["name"] = n, ["type"] = types[i] })]),
            ["rows"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonArray(
                r.Bucket.ToString("O"), r.Computer, r.Source, r.EventId, r.Alert, r.Alert.Length > 0 ? "900" : "", r.Count,
                r.Bucket.AddSeconds(3).ToString("O"), r.Bucket.AddMinutes(4).ToString("O")))]),
        };
        return new ScriptedResponse(200, new JsonObject { ["tables"] = new JsonArray(table) }.ToJsonString());
    }
}
