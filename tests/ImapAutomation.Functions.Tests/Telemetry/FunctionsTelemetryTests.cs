using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ImapAutomation.Functions.Tests.Telemetry;

public sealed class FunctionsTelemetryTests
{
    [Theory]
    [InlineData("InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/", true)]
    [InlineData(null, false)]
    public void AddImapAutomationServices_ApplicationInsightsConnectionString_OpenTelemetryOnlyWhenSet(string? connectionString, bool expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = connectionString })
            .Build();
        var services = new ServiceCollection().AddLogging();

        services.AddImapAutomationServices(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(expected, provider.GetService<TracerProvider>() is not null);
        Assert.Equal(expected, provider.GetService<MeterProvider>() is not null);
    }
}
