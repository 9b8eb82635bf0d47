using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using ImapAutomation.Core.Announcements;
using ImapAutomation.Core.Approvals;
using ImapAutomation.Core.Cards;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Detection;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Ingestion;
using ImapAutomation.Core.LogAnalytics;
using ImapAutomation.Core.Polling;
using ImapAutomation.Core.Teams;
using ImapAutomation.Core.Telemetry;
using ImapAutomation.Functions.Approvals;
using ImapAutomation.Functions.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Kiota.Authentication.Azure;

namespace ImapAutomation.Functions;

/// <summary>All of the Functions app's wiring, in one place; tests call <see cref="AddImapAutomationServices"/> too.</summary>
public static class FunctionsExtensions
{
    public static FunctionsApplicationBuilder AddImapAutomation(this FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddImapAutomationServices(builder.Configuration);
        return builder;
    }

    public static IServiceCollection AddImapAutomationServices(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ImapAutomationMetrics>();
        services.AddImapAutomationTelemetry(configuration, "ImapAutomation.Functions");
        services.AddOptions<FunctionsOptions>().Bind(configuration.GetSection(FunctionsOptions.SectionName))
            .PostConfigure(o => o.Servers.AddRange((o.ServerList ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DetectionOptions>().Bind(configuration.GetSection("Detection")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EventPollOptions>().Bind(configuration.GetSection(EventPollOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        var storage = configuration.GetSection(SettingNames.StorageConnection);
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = storage["clientId"] ?? configuration[SettingNames.AzureClientId],
        }));
        services.TryAddSingleton(sp => storage["tableServiceUri"] is { Length: > 0 } tables
            ? new TableServiceClient(new Uri(tables), sp.GetRequiredService<TokenCredential>())
            : new TableServiceClient(ConnectionString(storage)));
        services.TryAddSingleton(sp =>
        {
            // host.json reads queue messages as plain text (messageEncoding: none); the hybrid worker writes the same.
            var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
            return storage["queueServiceUri"] is { Length: > 0 } queues
                ? new QueueServiceClient(new Uri(queues), sp.GetRequiredService<TokenCredential>(), options)
                : new QueueServiceClient(ConnectionString(storage), options);
        });
        services.AddIncidentEngine(sp => sp.GetRequiredService<TableServiceClient>(), sp => sp.GetRequiredService<QueueServiceClient>());

        // Every engine call posts its cards through the announcer after its change commits: no function has card code.
        services.AddTeamsNotifier(configuration);
        services.AddCardBuilders(configuration);
        services.AddTeamsAnnouncer(configuration);
        services.TryAddSingleton<EventIngestor>();
        services.TryAddSingleton<ApprovalTokens>();
        AddApproverCheck(services, configuration);
        services.TryAddSingleton<CallerReader>();

        services.TryAddSingleton(sp => new LogAnalyticsClient(sp.GetRequiredService<TokenCredential>(), sp.GetService<LogAnalyticsClientOptions>()));
        services.TryAddSingleton(sp => new PollCheckpointStore(sp.GetRequiredService<TableServiceClient>().GetTableClient(StorageNames.CheckpointsTable)));
        services.TryAddSingleton(sp => new EventPoller(
            sp.GetRequiredService<LogAnalyticsClient>(), sp.GetRequiredService<PollCheckpointStore>(),
            sp.GetRequiredService<IOptions<EventPollOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>One approver check for Approvals, TriggerRunbook and the incident actions, chosen by Functions:ApproverSource.</summary>
    private static void AddApproverCheck(IServiceCollection services, IConfiguration configuration)
    {
        // Read as text: a bad value must not throw here, while services are registered, but be refused on start by
        // the options' validation with the message that names the setting and the values it takes.
        var setting = configuration.GetSection(FunctionsOptions.SectionName)[nameof(FunctionsOptions.ApproverSource)];
        if (!Enum.TryParse<ApproverSource>(setting, ignoreCase: true, out var source) || source != ApproverSource.GraphGroup)
        {
            services.TryAddSingleton<IApproverCheck, ConfiguredApprovers>();
            return;
        }

        // As the app (managed identity), which needs GroupMember.Read.All; only Graph's own host gets the token.
        var teams = new TeamsOptions();
        configuration.GetSection(TeamsOptions.SectionName).Bind(teams);
        services.AddGraphApproverDirectory(configuration, sp => new AzureIdentityAuthenticationProvider(
            sp.GetRequiredService<TokenCredential>(), [teams.GraphBaseUrl.Host], scopes: ["https://graph.microsoft.com/.default"]));
        services.TryAddSingleton<IApproverCheck, GraphGroupApprovers>();
    }

    private static string ConnectionString(IConfigurationSection storage) =>
        storage.Value is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Storage is not configured: set {SettingNames.StorageQueueServiceUri} and {SettingNames.StorageTableServiceUri} (managed identity), or {SettingNames.StorageConnection} to a connection string for local development.");
}
