namespace ImapAutomation.Core.Catalog;

/// <summary>Queue and table names; infra/ creates exactly these and a test checks the compiled template against them.</summary>
public static class StorageNames
{
    public const string RequestsQueue = "runbook-requests";
    public const string ResultsQueue = "runbook-results";
    public const string InboundQueue = "inbound-events";
    public const string IncidentsTable = "Incidents";
    public const string LedgerTable = "Ledger";

    /// <summary>The event-table poll's watermark and the bucket counts inside its overlap.</summary>
    public const string CheckpointsTable = "Checkpoints";

    /// <summary>Alert deliveries already processed (action groups call on every state change and may repeat).</summary>
    public const string AlertsTable = "Alerts";

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

    public static IReadOnlyList<string> Tables { get; } = [IncidentsTable, LedgerTable, CheckpointsTable, AlertsTable];
}
