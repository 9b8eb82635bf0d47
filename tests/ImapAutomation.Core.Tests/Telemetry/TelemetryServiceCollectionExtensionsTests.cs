using System.Diagnostics;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ImapAutomation.Core.Tests.Telemetry;

/// <summary>
/// The exporter listens to the process-wide <c>ImapAutomation</c> activity source, so engine tests running in parallel
/// would land in its list; this class runs alone.
/// </summary>
[CollectionDefinition(nameof(TelemetryAlone), DisableParallelization = true)]
public sealed class TelemetryAlone;

[Collection(nameof(TelemetryAlone))]
public sealed partial class TelemetryServiceCollectionExtensionsTests
{
    // Loopback port 9 (discard): nothing is ever sent anywhere, whatever the exporter tries in the background.
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";

    [Fact]
    public void AddImapAutomationTelemetry_ConnectionStringSet_ExportsTheMeterTheSourceAndLogsUnderTheRequestId()
    {
        var activities = new List<Activity>();
        var metrics = new List<Metric>();
        var logs = new List<LogRecord>();
        var services = new ServiceCollection().AddLogging();
        var registered = services.AddImapAutomationTelemetry(Configuration(ConnectionString), "ImapAutomation.Tests", builder => builder
            .WithTracing(tracing => tracing.AddInMemoryExporter(activities))
            .WithMetrics(meters => meters.AddInMemoryExporter(metrics))
            .WithLogging(logging => logging.AddInMemoryExporter(logs)));
        using var provider = services.BuildServiceProvider();
        var tracer = provider.GetRequiredService<TracerProvider>();
        var meter = provider.GetRequiredService<MeterProvider>();
        var logger = provider.GetRequiredService<ILogger<TelemetryServiceCollectionExtensionsTests>>();
        var requestId = RunbookRequestIds.For("ex01/ImapCertificateBinding", 1, 0, 1);

        using (Correlation.StartContinuing("RunbookRequest", requestId))
        using (logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = requestId }))
        {
            LogWorkerLine(logger);
        }

        provider.GetRequiredService<ImapAutomationMetrics>().PoisonMessage("runbook-requests-poison");
        tracer.ForceFlush();
        meter.ForceFlush();

        Assert.True(registered);
        var activity = Assert.Single(activities);
        Assert.Equal(Correlation.ActivitySourceName, activity.Source.Name);
        Assert.Equal(requestId, activity.TraceId.ToHexString());
        Assert.Contains(metrics, m => m.MeterName == ImapAutomationMetrics.MeterName && m.Name == "imapauto.queue.poison");
        var line = Assert.Single(logs, l => l.FormattedMessage == "worker line");
        Assert.Equal(requestId, line.TraceId.ToHexString());
        var scopes = new List<object?>();
        line.ForEachScope(
            (scope, list) =>
            {
                foreach (var pair in scope)
                {
                    list.Add(pair.Value);
                }
            },
            scopes);
        Assert.Contains(requestId, scopes);
    }

    [Fact]
    public void AddImapAutomationTelemetry_AppHasATokenCredential_TheExporterSignsInWithIt()
    {
        var credential = new Azure.Identity.ManagedIdentityCredential(Azure.Identity.ManagedIdentityId.SystemAssigned);
        var services = new ServiceCollection().AddLogging().AddSingleton<Azure.Core.TokenCredential>(credential);

        services.AddImapAutomationTelemetry(Configuration(ConnectionString), "ImapAutomation.Tests");
        using var provider = services.BuildServiceProvider();

        var exporter = provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Azure.Monitor.OpenTelemetry.Exporter.AzureMonitorExporterOptions>>()
            .Get(Microsoft.Extensions.Options.Options.DefaultName);
        Assert.Same(credential, exporter.Credential);
        Assert.Equal(ConnectionString, exporter.ConnectionString);
    }

    [Fact]
    public void AddImapAutomationTelemetry_NoConnectionString_NothingListensButTheMetricsStillResolve()
    {
        var services = new ServiceCollection().AddLogging();

        var registered = services.AddImapAutomationTelemetry(Configuration(" "), "ImapAutomation.Tests");
        using var provider = services.BuildServiceProvider();

        Assert.False(registered);
        Assert.Null(provider.GetService<TracerProvider>());
        Assert.Null(provider.GetService<MeterProvider>());
        Assert.NotNull(provider.GetRequiredService<ImapAutomationMetrics>());
    }

    private static IConfiguration Configuration(string connectionString) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [TelemetryServiceCollectionExtensions.ConnectionStringSetting] = connectionString })
        .Build();

    [LoggerMessage(1, LogLevel.Information, "worker line")]
    private static partial void LogWorkerLine(ILogger logger);
}
