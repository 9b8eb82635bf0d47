using Azure.Core;
using Azure.Identity;
using Azure.Storage.Queues;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Probe;
using ImapAutomation.Core.Telemetry;
using ImapAutomation.HybridWorker.AzureAutomation;
using ImapAutomation.HybridWorker.Concurrency;
using ImapAutomation.HybridWorker.Dispatch;
using ImapAutomation.HybridWorker.Ledger;
using ImapAutomation.HybridWorker.PowerShell;
using ImapAutomation.HybridWorker.Queue;
using ImapAutomation.HybridWorker.Verification;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        builder.Services.AddImapAutomationTelemetry(builder.Configuration, "ImapAutomation.HybridWorker");
        builder.Services.AddHybridWorkerExecution();
        builder.Services.AddHybridWorkerQueueLoop();
        return builder;
    }

    /// <summary>The queue loop on top of the execution half: verifier, queues, processor and the hosted <see cref="RequestLoop"/>.</summary>
    public static IServiceCollection AddHybridWorkerQueueLoop(this IServiceCollection services)
    {
        services.AddOptions<RequestLoopOptions>().BindConfiguration(RequestLoopOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRunbookRequestVerifier();
        // Results are signed with the same ring, so the cloud can tell the worker's results from anyone else's.
        services.TryAddSingleton(sp => new RunbookResultSigner(sp.GetRequiredService<RunbookKeyRing>()));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RequestLoopOptions>>().Value;
            // Plain text messages: the contract is JSON text ("messageEncoding": "none" on the Functions side).
            var client = options.ConnectionString is { Length: > 0 } connection
                ? new QueueServiceClient(connection)
                : new QueueServiceClient(options.ServiceUri, sp.GetRequiredService<TokenCredential>());
            return new RequestQueues(
                new StorageQueueRequestSource(client.GetQueueClient(options.RequestsQueue)),
                new StorageQueueResultSink(client.GetQueueClient(options.ResultsQueue)),
                new StorageQueueResultSink(client.GetQueueClient(options.PoisonQueue)));
        });
        services.TryAddSingleton<RequestProcessor>();
        services.AddHostedService<RequestLoop>();
        return services;
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
        services.AddOptions<VerificationOptions>().BindConfiguration(VerificationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new ImapTlsProbe(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<VerifyingDispatcher>();
        // The probe sits in front of whichever back end runs runbooks, inside the ledger, so a replay repeats its verdict.
        services.AddSingleton(sp => new ExactlyOnceExecutor(
            sp.GetRequiredService<RequestLedger>(), sp.GetRequiredService<ExecutionGate>(), sp.GetRequiredService<VerifyingDispatcher>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ExactlyOnceExecutor>>()));
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
