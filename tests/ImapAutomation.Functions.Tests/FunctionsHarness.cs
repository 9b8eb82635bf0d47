using System.Text;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.LogAnalytics;
using ImapAutomation.Functions.Http;
using ImapAutomation.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace ImapAutomation.Functions.Tests;

/// <summary>
/// The Functions app's own wiring (<see cref="FunctionsExtensions.AddImapAutomationServices"/>) over a private Azurite
/// and a recording Log Analytics endpoint: the function classes are called directly, as the host would.
/// </summary>
public class FunctionsHarness : IAsyncLifetime
{
    public const string Server = "exch01.contoso.com";

    /// <summary>The app's public address on cards; only a card link host, nothing listens there.</summary>
    public const string PublicHost = "imapauto.contoso.test";

    /// <summary>The runbook signing key the app is configured with (the worker holds the same).</summary>
    public const string SigningKeyId = "k1";

    private static readonly byte[] SigningKey = Encoding.UTF8.GetBytes("a test key of at least thirty-two bytes");
    private readonly AzuriteFixture _azurite = new();

    public RecordingHttpServer LogAnalytics { get; private set; } = null!;

    /// <summary>The Teams Workflows webhook every card goes to (plain http on loopback, as TeamsOptions allows).</summary>
    public RecordingHttpServer Teams { get; private set; } = null!;
    /// <summary>Stands in for Microsoft Graph (checkMemberGroups) when a test class turns on Functions:ApproverSource=GraphGroup.</summary>
    public RecordingHttpServer Graph { get; private set; } = null!;

    public ServiceProvider Services { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        LogAnalytics = await RecordingHttpServer.StartAsync();
        Teams = await RecordingHttpServer.StartAsync(https: false);
        Teams.Fallback = new ScriptedResponse(202);
        Graph = await RecordingHttpServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            // What App Service sets with App Service authentication on: the identity headers tests send are the platform's.
            [CallerReader.AuthEnabledSetting] = "True",
            ["Storage"] = _azurite.ConnectionString,
            ["Functions:Servers:0"] = Server,
            ["Functions:Servers:1"] = "exch02.contoso.com",
            ["Functions:MaxBodyBytes"] = "65536",
            ["LogAnalytics:WorkspaceId"] = "63613592-b6f7-4c3d-a390-22ba13102111",
            ["RunbookSigning:CurrentKeyId"] = SigningKeyId,
            ["RunbookSigning:CurrentKey"] = Convert.ToBase64String(SigningKey),
            ["Functions:PublicBaseUrl"] = $"https://{PublicHost}",
            ["Cards:AllowedLinkHosts:0"] = PublicHost,
            ["Teams:Transport"] = "Webhook",
            ["Teams:WebhookUrl"] = new Uri(Teams.BaseAddress, "workflows/incidents?sig=test-secret").AbsoluteUri,
            ["Teams:RetryBaseDelay"] = "00:00:00.010",
            ["Teams:MaxRetries"] = "1",
        };
        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        var laOptions = new LogAnalyticsClientOptions { Endpoint = LogAnalytics.BaseAddress, Transport = new HttpClientTransport(LogAnalytics.CreateTrustingHandler()) };
        laOptions.Retry.MaxRetries = 0;
        services.AddSingleton(laOptions);
        services.AddSingleton<Azure.Core.TokenCredential>(new StaticTokenCredential());
        services.AddImapAutomationServices(configuration);
        services.AddHttpClient(Core.Teams.TeamsServiceCollectionExtensions.ApproversHttpClientName).ConfigurePrimaryHttpMessageHandler(Graph.CreateTrustingHandler);
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var tables = Services.GetRequiredService<TableServiceClient>();
        foreach (var table in StorageNames.Tables)
        {
            await tables.CreateTableIfNotExistsAsync(table);
        }

        var queues = Services.GetRequiredService<QueueServiceClient>();
        foreach (var queue in StorageNames.Queues)
        {
            await queues.CreateQueueAsync(queue);
        }
    }

    /// <summary>Settings a test class adds to (or overrides in, null to remove) the common ones.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraSettings => [];

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await LogAnalytics.DisposeAsync();
        await Teams.DisposeAsync();
        await Graph.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    public T Get<T>()
        where T : notnull => ActivatorUtilities.CreateInstance<T>(Services);

    /// <summary>Calls the Approvals function as the host would: a GET, or a form POST by a signed-in caller.</summary>
    public async Task<IActionResult> RunApprovalsAsync(string method, string token, string? upn = null, string? decision = null, (string Name, string Value)? header = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        if (header is var (name, value))
        {
            context.Request.Headers[name] = value;
        }

        if (upn is not null)
        {
            context.Request.Headers[Functions.Approvals.Approvals.PrincipalHeader] = upn;
        }

        if (decision is not null)
        {
            context.Request.ContentType = "application/x-www-form-urlencoded";
            context.Request.Form = new FormCollection(new Dictionary<string, StringValues> { ["decision"] = decision });
        }

        return await Get<Functions.Approvals.Approvals>().Run(context.Request, token, CancellationToken.None);
    }

    /// <summary>Signs a result as the hybrid worker would, with the key the app is configured with.</summary>
    public static RunbookResult SignedAsTheWorker(RunbookResult result) =>
        new RunbookResultSigner(new RunbookKeyRing(SigningKeyId, SigningKey)).Sign(result);

    public static HttpRequest Post(string body, string contentType, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        context.Request.ContentType = contentType;
        return context.Request;
    }

    public static string Sample(params string[] path) => File.ReadAllText(RepoPaths.InRoot(["samples", .. path]));
}
