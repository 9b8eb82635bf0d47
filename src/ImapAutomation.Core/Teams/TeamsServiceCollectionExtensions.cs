using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Graph;

namespace ImapAutomation.Core.Teams;

public static class TeamsServiceCollectionExtensions
{
    /// <summary>The HttpClient every Teams call goes through: standard resilience (429 Retry-After, back-off) and no request logging.</summary>
    public const string HttpClientName = "ImapAutomation.Teams";

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
