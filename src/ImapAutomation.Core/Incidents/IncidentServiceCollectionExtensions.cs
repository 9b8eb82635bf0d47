using Azure.Data.Tables;
using Azure.Storage.Queues;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Outbox;
using ImapAutomation.Core.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Core.Incidents;

/// <summary>Wiring for the two hosts: the Functions app (engine) and the hybrid worker (verifier and replay guard).</summary>
public static class IncidentServiceCollectionExtensions
{
    /// <summary>
    /// Registers the incident engine, batcher, signer, ledger and dispatcher. <c>Policy</c> and <c>RunbookSigning</c>
    /// are bound from configuration and validated on start.
    /// </summary>
    public static IServiceCollection AddIncidentEngine(
        this IServiceCollection services,
        Func<IServiceProvider, TableServiceClient> tables,
        Func<IServiceProvider, QueueServiceClient> queues)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(queues);
        services.AddOptions<PolicyOptions>().BindConfiguration(PolicyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        AddSigning(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RunbookRequestSigner>();
        services.TryAddSingleton(sp => new RequestLedger(tables(sp).GetTableClient(StorageNames.LedgerTable), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new RunbookRequestDispatcher(
            queues(sp).GetQueueClient(StorageNames.RequestsQueue), sp.GetRequiredService<RequestLedger>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new IncidentEngine(
            tables(sp).GetTableClient(StorageNames.IncidentsTable),
            sp.GetRequiredService<RequestLedger>(),
            sp.GetRequiredService<RunbookRequestDispatcher>(),
            sp.GetRequiredService<RunbookRequestSigner>(),
            sp.GetRequiredService<IOptions<PolicyOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<IncidentEngine>>() ?? NullLogger<IncidentEngine>.Instance,
            sp.GetService<IIncidentAnnouncer>()));
        services.TryAddSingleton<IncidentBatcher>();
        return services;
    }

    /// <summary>Registers what the hybrid worker needs to accept a request: the verifier and the ledger's replay guard.</summary>
    public static IServiceCollection AddRunbookRequestVerification(this IServiceCollection services, Func<IServiceProvider, TableServiceClient> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        services.AddRunbookRequestVerifier();
        services.TryAddSingleton(sp => new RequestLedger(tables(sp).GetTableClient(StorageNames.LedgerTable), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Registers only the verifier (keys from <c>RunbookSigning</c>), for a worker that keeps its own replay ledger and has no table access.</summary>
    public static IServiceCollection AddRunbookRequestVerifier(this IServiceCollection services)
    {
        AddSigning(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new RunbookRequestVerifier(
            sp.GetRequiredService<RunbookKeyRing>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<RunbookSigningOptions>>().Value));
        return services;
    }

    private static void AddSigning(IServiceCollection services)
    {
        services.AddOptions<RunbookSigningOptions>().BindConfiguration(RunbookSigningOptions.SectionName).ValidateDataAnnotations()
            .Validate(IsUsableKeyRing, $"RunbookSigning: keys must be base64 of at least {RunbookKeyRing.MinimumKeyBytes} bytes, previous key id and key given together and distinct from the current one.")
            .ValidateOnStart();
        services.TryAddSingleton(sp => RunbookKeyRing.FromOptions(sp.GetRequiredService<IOptions<RunbookSigningOptions>>().Value));
    }

    private static bool IsUsableKeyRing(RunbookSigningOptions options)
    {
        try
        {
            _ = RunbookKeyRing.FromOptions(options);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
