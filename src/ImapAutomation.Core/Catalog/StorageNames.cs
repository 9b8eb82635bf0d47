namespace ImapAutomation.Core.Catalog;

/// <summary>Queue and table names; infra/ creates exactly these and a test checks the compiled template against them.</summary>
public static class StorageNames
{
    public const string RequestsQueue = "runbook-requests";
    public const string ResultsQueue = "runbook-results";
    public const string InboundQueue = "inbound-events";
    public const string IncidentsTable = "Incidents";
    public const string LedgerTable = "Ledger";
    public const string CheckpointsTable = "Checkpoints";
    public const string AlertsTable = "Alerts";
}
