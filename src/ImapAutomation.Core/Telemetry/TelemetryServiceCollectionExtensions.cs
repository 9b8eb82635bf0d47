using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Resources;

namespace ImapAutomation.Core.Telemetry;

/// <summary>
/// OpenTelemetry for the Functions app and the hybrid worker, exported to Application Insights only when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (without it nothing listens and nothing is sent): the
/// <see cref="ImapAutomationMetrics"/> meter, the <see cref="Correlation"/> activity source, and logs with their scopes.
/// Both sides continue the trace whose id is the runbook request id, so a worker's log lines and the cloud's share
/// one operation id in Application Insights.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <param name="services">The services.</param>
    /// <param name="configuration">Read for <see cref="ConnectionStringSetting"/> (environment variables are configuration in both hosts).</param>
    /// <param name="serviceName">The cloud role name in Application Insights.</param>
    /// <param name="configure">More exporters or sources on top (tests add in-memory exporters here).</param>
    /// <returns>True when the exporter was registered.</returns>
    public static bool AddImapAutomationTelemetry(
        this IServiceCollection services, IConfiguration configuration, string serviceName, Action<IOpenTelemetryBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddMetrics();
        services.TryAddSingleton<ImapAutomationMetrics>();
        var connectionString = configuration[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return false;
        }

        var builder = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing.AddSource(Correlation.ActivitySourceName))
            .WithMetrics(metrics => metrics.AddMeter(ImapAutomationMetrics.MeterName))
            .WithLogging(configureBuilder: null, configureOptions: logging =>
            {
                // Scopes carry RequestId and MessageId; the trace id of the current activity is the correlation id.
                logging.IncludeScopes = true;
                logging.IncludeFormattedMessage = true;
            })
            .UseAzureMonitorExporter(exporter => exporter.ConnectionString = connectionString);
        // The component accepts Entra ID tokens only (DisableLocalAuth, infra/core/monitor): the app's own identity signs in,
        // the one it already uses for Storage (Monitoring Metrics Publisher on the component).
        services.AddOptions<AzureMonitorExporterOptions>()
            .Configure<IServiceProvider>((exporter, provider) => exporter.Credential ??= provider.GetService<TokenCredential>());
        configure?.Invoke(builder);
        return true;
    }
}
