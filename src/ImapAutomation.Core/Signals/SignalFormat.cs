namespace ImapAutomation.Core.Signals;

/// <summary>The input formats told apart by content.</summary>
public enum SignalFormat
{
    Unknown,
    WindowsEventXml,
    LogAnalyticsJson,
    LogAnalyticsCsv,
    AzureMonitorAlert,
    ImapProtocolLog,

    /// <summary>A binary Windows XML Event Log file (<c>ElfFile</c> signature), as saved by Event Viewer or <c>wevtutil epl</c>.</summary>
    Evtx,
}

public static class SignalFormatNames
{
    /// <summary>The stable name used in JSON output and messages.</summary>
    public static string ToName(this SignalFormat format) => format switch
    {
        SignalFormat.WindowsEventXml => "windows-event-xml",
        SignalFormat.LogAnalyticsJson => "log-analytics-json",
        SignalFormat.LogAnalyticsCsv => "log-analytics-csv",
        SignalFormat.AzureMonitorAlert => "azure-monitor-alert",
        SignalFormat.ImapProtocolLog => "imap-protocol-log",
        SignalFormat.Evtx => "evtx",
        _ => "unknown",
    };
}
