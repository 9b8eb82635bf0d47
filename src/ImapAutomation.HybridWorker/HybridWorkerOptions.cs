using System.ComponentModel.DataAnnotations;

namespace ImapAutomation.HybridWorker;

public enum RunbookBackend
{
    /// <summary>In this process, on the runspace pool (the default).</summary>
    PowerShell,

    /// <summary>As Azure Automation jobs on a Hybrid Runbook Worker group.</summary>
    AzureAutomation,
}

/// <summary>The worker's own settings (section <c>HybridWorker</c>).</summary>
public sealed class HybridWorkerOptions
{
    public const string Section = "HybridWorker";

    /// <summary>The ledger file; on Windows under ProgramData, writable by the service account only.</summary>
    [Required(AllowEmptyStrings = false)]
    public string LedgerPath { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "ImapAutomation", "HybridWorker", "ledger.jsonl");

    /// <summary>Completed entries older than this are dropped at start; longer than a request message can live in its queue.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan LedgerRetention { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Runbooks running at once across all servers (each server runs one at a time).</summary>
    [Range(1, 64)]
    public int MaxConcurrency { get; set; } = 4;

    public RunbookBackend Backend { get; set; } = RunbookBackend.PowerShell;
}
