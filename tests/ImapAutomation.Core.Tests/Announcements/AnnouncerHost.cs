using ImapAutomation.Core.Announcements;
using ImapAutomation.Core.Approvals;
using ImapAutomation.Core.Cards;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Teams;
using ImapAutomation.Core.Tests.Contracts;
using ImapAutomation.Core.Tests.Incidents;
using ImapAutomation.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;

namespace ImapAutomation.Core.Tests.Announcements;

/// <summary>
/// One Functions instance's announcer, wired as production does (AddTeamsNotifier, AddCardBuilders, AddTeamsAnnouncer)
/// against a recording Teams endpoint, over the engine harness's clock, policy and signing keys.
/// </summary>
internal sealed class AnnouncerHost : IDisposable
{
    public const string PublicHost = "imapauto.contoso.test";
    public const string Team = "11111111-aaaa-bbbb-cccc-000000000001";
    public const string Channel = "19:incidents@thread.tacv2";

    private readonly ServiceProvider _provider;

    private AnnouncerHost(EngineHarness harness, IDictionary<string, string?> settings, bool graph)
    {
        var merged = new Dictionary<string, string?>
        {
            ["Functions:PublicBaseUrl"] = $"https://{PublicHost}/",
            ["Cards:AllowedLinkHosts:0"] = PublicHost,
            ["Teams:RetryBaseDelay"] = "00:00:00.010",
            ["Teams:MaxRetries"] = "1",
        };
        foreach (var (key, value) in settings)
        {
            merged[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(merged).Build();
        var services = new ServiceCollection();
        services.AddLogging(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        // Tokens run on the harness's fake clock; HTTP retries on the real one (a fake clock would never end a back-off).
        services.AddSingleton<TimeProvider>(TimeProvider.System);
        services.AddSingleton(new ApprovalTokens(ContractSamples.Ring(), harness.Time));
        services.AddSingleton(Options.Create(harness.Policy));
        services.AddTeamsNotifier(configuration, graph ? new TeamsGraphAuthentication(new FixedToken("delegated"), new FixedToken("app")) : null);
        services.AddCardBuilders(configuration);
        services.AddTeamsAnnouncer(configuration);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        try
        {
            Engine = harness.NewEngine(Announcer, _provider.GetRequiredService<ILogger<IncidentEngine>>());
        }
        catch
        {
            _provider.Dispose();
            throw;
        }
    }

    public Teams.FakeLogCollectorProvider Logs { get; } = new();

    public IIncidentAnnouncer Announcer => _provider.GetRequiredService<IIncidentAnnouncer>();

    public ApprovalTokens Tokens => _provider.GetRequiredService<ApprovalTokens>();

    /// <summary>An engine (one Functions instance) that announces through this host.</summary>
    public IncidentEngine Engine { get; }

    public static AnnouncerHost Webhook(EngineHarness harness, RecordingHttpServer teams, IDictionary<string, string?>? overrides = null) => new(harness, new Dictionary<string, string?>
    {
        ["Teams:Transport"] = "Webhook",
        ["Teams:WebhookUrl"] = new Uri(teams.BaseAddress, "workflows/incidents?sig=secret").AbsoluteUri,
    }.Concat(overrides ?? new Dictionary<string, string?>()).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value), graph: false);

    public static AnnouncerHost Graph(EngineHarness harness, RecordingHttpServer graph) => new(harness, new Dictionary<string, string?>
    {
        ["Teams:Transport"] = "Graph",
        ["Teams:GraphBaseUrl"] = new Uri(graph.BaseAddress, "v1.0").AbsoluteUri,
        ["Teams:TeamId"] = Team,
        ["Teams:ChannelId"] = Channel,
    }, graph: true);

    public void Dispose() => _provider.Dispose();

    private sealed class FixedToken(string token) : IAuthenticationProvider
    {
        public Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
        {
            request.Headers.Add("Authorization", "Bearer " + token);
            return Task.CompletedTask;
        }
    }
}
