namespace ImapAutomation.Core.Catalog;

/// <summary>Queue and table names; infra/ creates exactly these and a test checks the compiled template against them.</summary>
public static class StorageNames
{
    public const string RequestsQueue = "runbook-requests";
    public const string ResultsQueue = "runbook-results";
    public const string InboundQueue = "inbound-events";
    public const string IncidentsTable = "Incidents";
    public const string LedgerTable = "Ledger";

    /// <summary>Where the Functions host (and the hybrid worker, for requests it cannot read) moves a message after its last failed attempt.</summary>
    public const string PoisonSuffix = "-poison";

    public const string RequestsPoisonQueue = RequestsQueue + PoisonSuffix;
    public const string ResultsPoisonQueue = ResultsQueue + PoisonSuffix;
    public const string InboundPoisonQueue = InboundQueue + PoisonSuffix;

    /// <summary>Every queue infra/ creates: the three working queues and their poison queues (created up front so no identity needs the right to create queues).</summary>
    public static IReadOnlyList<string> Queues { get; } =
    [
        RequestsQueue, ResultsQueue, InboundQueue, RequestsPoisonQueue, ResultsPoisonQueue, InboundPoisonQueue,
    ];

    public static IReadOnlyList<string> Tables { get; } = [IncidentsTable, LedgerTable];
}
