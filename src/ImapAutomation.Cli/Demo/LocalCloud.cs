using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using ImapAutomation.Core.Approvals;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Ingestion;
using ImapAutomation.Functions;
using ImapAutomation.Functions.Approvals;
using ImapAutomation.Functions.Ingest;
using ImapAutomation.Functions.Runbooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Cli.Demo;

/// <summary>
/// The cloud half in this process: the Functions app's own wiring (<see cref="FunctionsExtensions.AddImapAutomationServices"/>)
/// and its function classes, called as the host would call them. A loop takes results from the results queue into
/// <see cref="ProcessRunbookResult"/> and a timer calls the engine's tick. A development convenience, not a second
/// Functions host: no triggers, bindings or HTTP routing beyond what the demo drives.
/// </summary>
internal sealed class LocalCloud : IAsyncDisposable
{
    public const string Approver = "demo.approver@contoso.com";

    /// <summary>The app's public address on the demo's cards; nothing listens there.</summary>
    public const string PublicHost = "imapauto.demo.invalid";

    private readonly ServiceProvider _services;
    private readonly CancellationTokenSource _stop = new();
    private Task? _results;
    private Task? _timer;

    private LocalCloud(ServiceProvider services) => _services = services;

    public IncidentEngine Engine => _services.GetRequiredService<IncidentEngine>();

    /// <summary>True when the Functions wiring registers a Teams notifier, i.e. the app posts cards.</summary>
    public bool PostsCards => _services.GetService<Core.Teams.ITeamsNotifier>() is not null;

    /// <summary>Results handed to <see cref="ProcessRunbookResult"/>.</summary>
    public int ResultsProcessed { get; private set; }

    public event Action<Exception>? LoopFailed;

    public static async Task<LocalCloud> StartAsync(
        string storageConnection, string signingKeyId, byte[] signingKey, Uri teamsWebhook, CancellationToken cancellationToken,
        IEnumerable<KeyValuePair<string, string?>>? extraSettings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [SettingNames.StorageConnection] = storageConnection,
            ["Functions:Servers:0"] = DemoScenario.BrokenServer,
            ["Functions:Servers:1"] = DemoScenario.HealthyServer,
            ["Functions:Approvers:0"] = Approver,
            // The demo itself stands where App Service authentication would (it sets the identity header when it
            // approves through the card link), so it trusts that header; a deployed app never sets this.
            ["Functions:IdentityHeaders"] = "Trusted",
            ["RunbookSigning:CurrentKeyId"] = signingKeyId,
            ["RunbookSigning:CurrentKey"] = Convert.ToBase64String(signingKey),
            // Cards go to the demo's local Teams sink through the webhook transport; their links name the app's
            // address, which here is only a link host (the demo approves by calling the Approvals function itself).
            ["Functions:PublicBaseUrl"] = "https://" + PublicHost,
            ["Cards:AllowedLinkHosts:0"] = PublicHost,
            ["Teams:Transport"] = "Webhook",
            ["Teams:WebhookUrl"] = teamsWebhook.AbsoluteUri,
            ["Teams:RetryBaseDelay"] = "00:00:00.100",
        }.Concat(extraSettings ?? [])).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddImapAutomationServices(configuration);
        var provider = services.BuildServiceProvider();
        var cloud = new LocalCloud(provider);
        try
        {
            // What ValidateOnStart does in the Functions host: a bad setting fails here, before anything runs.
            _ = provider.GetRequiredService<IOptions<FunctionsOptions>>().Value;
            var tables = provider.GetRequiredService<TableServiceClient>();
            foreach (var table in StorageNames.Tables)
            {
                await tables.CreateTableIfNotExistsAsync(table, cancellationToken).ConfigureAwait(false);
            }

            var queues = provider.GetRequiredService<QueueServiceClient>();
            foreach (var queue in StorageNames.Queues)
            {
                await queues.GetQueueClient(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            return cloud;
        }
        catch
        {
            await cloud.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts the results loop and the engine's timer.</summary>
    public void Run(TimeSpan tickInterval)
    {
        _results = Guard(ResultsLoopAsync(_stop.Token));
        _timer = Guard(TimerLoopAsync(tickInterval, _stop.Token));
    }

    /// <summary>One forwarder post through <see cref="ReceiveEvents"/>: the summary when accepted (202), else the problem.</summary>
    public async Task<(IngestSummary? Summary, string? Problem)> PostEventsAsync(StormBatch batch, CancellationToken cancellationToken)
    {
        var function = ActivatorUtilities.CreateInstance<ReceiveEvents>(_services);
        var result = await function.Run(Request("POST", Encoding.UTF8.GetBytes(batch.Body), batch.ContentType), cancellationToken).ConfigureAwait(false);
        return result is ObjectResult { StatusCode: StatusCodes.Status202Accepted, Value: IngestSummary summary }
            ? (summary, null)
            : (null, result is ObjectResult problem ? $"{problem.StatusCode}: {System.Text.Json.JsonSerializer.Serialize(problem.Value)}" : result.ToString());
    }

    /// <summary>
    /// Approves the incident's waiting step as an operator would: a POST of <c>decision=approve</c> to the signed link,
    /// with the approver's UPN in the header App Service authentication sets. The link comes from the card when the
    /// card carries one, otherwise it is issued as the card builder issues it.
    /// </summary>
    public async Task<(int Status, string Page)> ApproveAsync(Incident incident, string? tokenFromCard, CancellationToken cancellationToken)
    {
        var options = _services.GetRequiredService<IOptions<FunctionsOptions>>().Value;
        var token = tokenFromCard ?? _services.GetRequiredService<ApprovalTokens>().Issue(incident, options.ApprovalLinkLifetime);
        var request = Request("POST", "decision=approve"u8.ToArray(), "application/x-www-form-urlencoded");
        request.Headers[Approvals.PrincipalHeader] = Approver;
        var function = ActivatorUtilities.CreateInstance<Approvals>(_services);
        var result = (ContentResult)await function.Run(request, token, cancellationToken).ConfigureAwait(false);
        return (result.StatusCode ?? 200, result.Content ?? "");
    }

    /// <summary>The queue the engine sends signed requests to (the latency benchmark answers them itself).</summary>
    public QueueClient Queue(string name) => _services.GetRequiredService<QueueServiceClient>().GetQueueClient(name);

    /// <summary>Every incident the engine holds (the demo expects exactly the scenario's one).</summary>
    public async Task<IReadOnlyList<Incident>> ListIncidentsAsync(CancellationToken cancellationToken)
    {
        var table = _services.GetRequiredService<TableServiceClient>().GetTableClient(StorageNames.IncidentsTable);
        var incidents = new List<Incident>();
        await foreach (var row in table.QueryAsync<TableEntity>("RowKey gt 'incident~' and RowKey lt 'incident~~'", select: ["Server", "Kind"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (Enum.TryParse<IncidentKind>(row.GetString("Kind"), out var kind)
                && await Engine.GetAsync(IncidentIds.For(row.GetString("Server"), kind), cancellationToken).ConfigureAwait(false) is { } incident)
            {
                incidents.Add(incident);
            }
        }

        return incidents;
    }

    /// <summary>Requests the engine queued (rows of the <c>Ledger</c> table's request partition).</summary>
    public async Task<int> CountRequestsAsync(CancellationToken cancellationToken)
    {
        var ledger = _services.GetRequiredService<TableServiceClient>().GetTableClient(StorageNames.LedgerTable);
        var count = 0;
        await foreach (var _ in ledger.QueryAsync<TableEntity>("PartitionKey eq 'request'", select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var loop in new[] { _results, _timer })
        {
            if (loop is not null)
            {
                await loop.ConfigureAwait(false);
            }
        }

        await _services.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private static HttpRequest Request(string method, byte[] body, string contentType)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        context.Request.ContentType = contentType;
        return context.Request;
    }

    private async Task ResultsLoopAsync(CancellationToken cancellationToken)
    {
        var queue = _services.GetRequiredService<QueueServiceClient>().GetQueueClient(StorageNames.ResultsQueue);
        var function = ActivatorUtilities.CreateInstance<ProcessRunbookResult>(_services);
        while (!cancellationToken.IsCancellationRequested)
        {
            var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false)).Value;
            foreach (var message in messages)
            {
                // As the queue trigger does: the message is deleted only after the function returned.
                await function.Run(message.MessageText, cancellationToken).ConfigureAwait(false);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
                ResultsProcessed++;
            }

            if (messages.Length == 0)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task TimerLoopAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            await Engine.TickAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task Guard(Task loop)
    {
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LoopFailed?.Invoke(ex);
        }
    }
}
