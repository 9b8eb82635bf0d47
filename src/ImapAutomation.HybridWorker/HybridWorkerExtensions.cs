using Azure.Core;
using Azure.Identity;
using ImapAutomation.Core.Probe;
using ImapAutomation.HybridWorker.AzureAutomation;
using ImapAutomation.HybridWorker.Concurrency;
using ImapAutomation.HybridWorker.Dispatch;
using ImapAutomation.HybridWorker.Ledger;
using ImapAutomation.HybridWorker.PowerShell;
using Microsoft.Extensions.Options;

namespace ImapAutomation.HybridWorker;

/// <summary>All of the hybrid worker's wiring, in one place.</summary>
public static class HybridWorkerExtensions
{
    public static HostApplicationBuilder AddHybridWorker(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddWindowsService(options => options.ServiceName = "ImapAutomation Hybrid Worker");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHybridWorkerExecution();
        return builder;
    }

    /// <summary>The execution half (options, runner, dispatcher, ledger, gate, probe); the queue loop plugs in on top.</summary>
    public static IServiceCollection AddHybridWorkerExecution(this IServiceCollection services)
    {
        services.AddOptions<HybridWorkerOptions>().BindConfiguration(HybridWorkerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PowerShellRunnerOptions>().BindConfiguration(PowerShellRunnerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RunbookCatalogOptions>().BindConfiguration(RunbookCatalogOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AzureAutomationOptions>().BindConfiguration(AzureAutomationOptions.Section);
        services.AddSingleton<IValidateOptions<AzureAutomationOptions>, AzureAutomationOptionsValidation>();
        services.AddOptions<AzureAutomationOptions>().ValidateOnStart();

        services.AddSingleton<PowerShellRunbookRunner>();
        services.AddSingleton<LocalPowerShellDispatcher>();
        services.AddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.AddHttpClient<AzureAutomationDispatcher>().AddStandardResilienceHandler();
        services.AddSingleton<IRunbookDispatcher>(sp => sp.GetRequiredService<IOptions<HybridWorkerOptions>>().Value.Backend == RunbookBackend.AzureAutomation
            ? sp.GetRequiredService<AzureAutomationDispatcher>()
            : sp.GetRequiredService<LocalPowerShellDispatcher>());
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<HybridWorkerOptions>>().Value;
            return RequestLedger.Open(options.LedgerPath, sp.GetRequiredService<TimeProvider>(), options.LedgerRetention);
        });
        services.AddSingleton(sp => new ExecutionGate(sp.GetRequiredService<IOptions<HybridWorkerOptions>>().Value.MaxConcurrency));
        services.AddSingleton<ExactlyOnceExecutor>();
        services.AddSingleton(sp => new ImapTlsProbe(sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Azure Automation settings are required only when that back end is chosen.</summary>
    private sealed class AzureAutomationOptionsValidation(IOptions<HybridWorkerOptions> worker) : IValidateOptions<AzureAutomationOptions>
    {
        public ValidateOptionsResult Validate(string? name, AzureAutomationOptions options)
        {
            if (worker.Value.Backend != RunbookBackend.AzureAutomation)
            {
                return ValidateOptionsResult.Skip;
            }

            var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
            return System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
                    options, new System.ComponentModel.DataAnnotations.ValidationContext(options), results, validateAllProperties: true)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(results.Select(r => $"{AzureAutomationOptions.Section}: {r.ErrorMessage}"));
        }
    }
}
