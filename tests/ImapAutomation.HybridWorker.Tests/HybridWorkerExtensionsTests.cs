using ImapAutomation.HybridWorker.Dispatch;
using ImapAutomation.HybridWorker.Ledger;
using ImapAutomation.HybridWorker.Queue;
using ImapAutomation.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ImapAutomation.HybridWorker.Tests;

public sealed class HybridWorkerExtensionsTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("imapauto-host-");

    [Fact]
    public async Task StartAsync_DefaultsWithALedgerPath_ResolvesTheLocalExecutionChain()
    {
        using var host = Build(new Dictionary<string, string?> { ["HybridWorker:LedgerPath"] = Path.Combine(_temp.FullName, "ledger.jsonl") });

        await host.StartAsync();

        Assert.IsType<LocalPowerShellDispatcher>(host.Services.GetRequiredService<IRunbookDispatcher>());
        Assert.NotNull(host.Services.GetRequiredService<ExactlyOnceExecutor>());
        Assert.True(File.Exists(Path.Combine(_temp.FullName, "ledger.jsonl")));
        await host.StopAsync();
    }

    [Theory]
    [InlineData("HybridWorker:MaxConcurrency", "0", "MaxConcurrency")]
    [InlineData("HybridWorker:PowerShell:MaxRunspaces", "500", "MaxRunspaces")]
    [InlineData("HybridWorker:Catalog:ServerParameterName", "Server; rm", "ServerParameterName")]
    [InlineData("HybridWorker:Backend", "AzureAutomation", "SubscriptionId")]
    public async Task StartAsync_InvalidSetting_FailsNamingIt(string key, string value, string expected)
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["HybridWorker:LedgerPath"] = Path.Combine(_temp.FullName, "ledger.jsonl"), [key] = value,
        });

        var error = await Record.ExceptionAsync(() => host.StartAsync());

        // One bad setting can surface through two validators (the Azure Automation check reads the worker options too).
        var failures = error is AggregateException all ? all.InnerExceptions : [error!];
        Assert.All(failures, e => Assert.IsType<OptionsValidationException>(e));
        Assert.Contains(expected, failures[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HybridWorker:Queue:BatchSize", "8", "AllowedServers")]
    [InlineData("HybridWorker:Queue:AllowedServers:0", "ex01; Remove-Item x", "not a DNS host name")]
    [InlineData("HybridWorker:Queue:RenewInterval", "00:05:00", "RenewInterval")]
    public async Task StartAsync_QueueLoopMisconfigured_FailsNamingIt(string key, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HybridWorker:LedgerPath"] = Path.Combine(_temp.FullName, "ledger.jsonl"),
            ["HybridWorker:Queue:ConnectionString"] = "UseDevelopmentStorage=true",
            ["RunbookSigning:CurrentKeyId"] = "k1",
            ["RunbookSigning:CurrentKey"] = Convert.ToBase64String(new byte[32]),
            [key] = value,
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHybridWorkerExecution();
        builder.Services.AddHybridWorkerQueueLoop();
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AppSettings_QueueSection_NamesEveryOptionWithItsDefault()
    {
        var file = new ConfigurationBuilder().AddJsonFile(ShippedAppSettings, optional: false).Build();
        var section = file.GetSection(RequestLoopOptions.Section);
        var shipped = section.Get<RequestLoopOptions>()!;
        var defaults = new RequestLoopOptions();

        var documented = section.GetChildren().Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        // An empty JSON array leaves no key behind, so AllowedServers is looked up in the text itself.
        documented.UnionWith(File.ReadAllText(ShippedAppSettings).Contains("\"AllowedServers\": []", StringComparison.Ordinal) ? ["AllowedServers"] : []);
        Assert.Equal(typeof(RequestLoopOptions).GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
        Assert.Null(shipped.ServiceUri);
        Assert.True(string.IsNullOrEmpty(shipped.ConnectionString));
        Assert.Empty(shipped.AllowedServers);
        Assert.Equal(
            (defaults.RequestsQueue, defaults.ResultsQueue, defaults.PoisonQueue, defaults.BatchSize, defaults.PollInterval, defaults.VisibilityTimeout, defaults.RenewInterval, defaults.MaxDequeueCount),
            (shipped.RequestsQueue, shipped.ResultsQueue, shipped.PoisonQueue, shipped.BatchSize, shipped.PollInterval, shipped.VisibilityTimeout, shipped.RenewInterval, shipped.MaxDequeueCount));
    }

    [Fact]
    public async Task StartAsync_ShippedAppSettingsUnfilled_FailsNamingTheEndpointAndTheAllowList()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddJsonFile(ShippedAppSettings, optional: false);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HybridWorker:LedgerPath"] = Path.Combine(_temp.FullName, "ledger.jsonl"),
            ["RunbookSigning:CurrentKeyId"] = "k1",
            ["RunbookSigning:CurrentKey"] = Convert.ToBase64String(new byte[32]),
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHybridWorkerExecution();
        builder.Services.AddHybridWorkerQueueLoop();
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("ServiceUri", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowedServers", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/", true)]
    [InlineData(null, false)]
    public void AddHybridWorker_ApplicationInsightsConnectionString_OpenTelemetryOnlyWhenSet(string? connectionString, bool expected)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = connectionString });

        builder.AddHybridWorker();
        using var host = builder.Build();

        Assert.Equal(expected, host.Services.GetService<OpenTelemetry.Trace.TracerProvider>() is not null);
        Assert.Equal(expected, host.Services.GetService<OpenTelemetry.Metrics.MeterProvider>() is not null);
    }

    public void Dispose() => _temp.Delete(recursive: true);

    private static string ShippedAppSettings => RepoPaths.InRoot("src", "ImapAutomation.HybridWorker", "appsettings.json");

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHybridWorkerExecution();
        return builder.Build();
    }
}
