using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;

namespace ImapAutomation.Core.Teams;

public static class TeamsServiceCollectionExtensions
{
    /// <summary>The HttpClient every Teams call goes through: standard resilience (429 Retry-After, back-off) and no request logging.</summary>
    public const string HttpClientName = "ImapAutomation.Teams";

    /// <summary>The HttpClient of <see cref="AddGraphApproverDirectory"/>, for a host that checks approvers without posting to Teams.</summary>
    public const string ApproversHttpClientName = "ImapAutomation.Teams.Approvers";

    /// <summary>
    /// Registers only <see cref="IApproverDirectory"/> (Graph <c>checkMemberGroups</c> against <c>Teams:OperatorsGroupId</c>)
    /// as the app, unless one is registered already (by <see cref="AddTeamsNotifier"/> with Graph credentials).
    /// </summary>
    public static IServiceCollection AddGraphApproverDirectory(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, IAuthenticationProvider> application)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(application);
        services.AddHttpClient(ApproversHttpClientName).RemoveAllLoggers().AddStandardResilienceHandler();
        services.TryAddSingleton<IApproverDirectory>(sp =>
        {
            // Bound into its own object: the notifier's options may be registered (and bound) by AddTeamsNotifier too.
            var settings = new TeamsOptions();
            configuration.GetSection(TeamsOptions.SectionName).Bind(settings);
            var graph = new GraphServiceClient(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(ApproversHttpClientName), application(sp), settings.GraphBaseUrl.AbsoluteUri.TrimEnd('/'));
            return new GraphApproverDirectory(new TeamsGraphClients(graph, graph), Options.Create(settings));
        });
        return services;
    }

    /// <summary>Registers <see cref="ITeamsNotifier"/> for the configured transport and, with Graph credentials, <see cref="IApproverDirectory"/>.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The configuration root; reads section <c>Teams</c>.</param>
    /// <param name="graphAuthentication">Graph credentials; required for the Graph transport and for approver checks.</param>
    public static IServiceCollection AddTeamsNotifier(this IServiceCollection services, IConfiguration configuration, TeamsGraphAuthentication? graphAuthentication = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(TeamsOptions.SectionName);
        services.AddOptions<TeamsOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();

        var settings = new TeamsOptions();
        section.Bind(settings);
        services.AddHttpClient(HttpClientName)
            // The default handlers log request URIs, and a Workflows URL is a credential.
            .RemoveAllLoggers()
            .AddStandardResilienceHandler(resilience =>
            {
                resilience.Retry.MaxRetryAttempts = settings.MaxRetries;
                resilience.Retry.Delay = settings.RetryBaseDelay;
                resilience.Retry.ShouldRetryAfterHeader = true;
                resilience.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(2);
            });

        if (graphAuthentication is not null)
        {
            services.AddSingleton(sp =>
            {
                var factory = sp.GetRequiredService<IHttpClientFactory>();
                var baseUrl = sp.GetRequiredService<IOptions<TeamsOptions>>().Value.GraphBaseUrl.AbsoluteUri.TrimEnd('/');
                return new TeamsGraphClients(
                    new GraphServiceClient(factory.CreateClient(HttpClientName), graphAuthentication.Delegated, baseUrl),
                    new GraphServiceClient(factory.CreateClient(HttpClientName), graphAuthentication.Application, baseUrl));
            });
            services.AddSingleton<IApproverDirectory, GraphApproverDirectory>();
        }

        if (settings.Transport == TeamsTransport.Graph)
        {
            if (graphAuthentication is null)
            {
                throw new InvalidOperationException("Teams:Transport is Graph but no Graph credentials were given to AddTeamsNotifier.");
            }

            services.AddSingleton<ITeamsNotifier, GraphTeamsNotifier>();
        }
        else
        {
            services.AddSingleton<ITeamsNotifier>(sp => new WebhookTeamsNotifier(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
                sp.GetRequiredService<IOptions<TeamsOptions>>(),
                sp.GetRequiredService<ILogger<WebhookTeamsNotifier>>()));
        }

        return services;
    }
}
