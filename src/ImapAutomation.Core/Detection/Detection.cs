using ImapAutomation.Core.Catalog;

namespace ImapAutomation.Core.Detection;

/// <summary>One diagnosed problem: what the rules concluded for one server and cause in one correlation window.</summary>
/// <remarks>The hand-over between detection (signals issue) and the incident engine (incidents issue).</remarks>
public sealed record Detection(
    string Server,
    IncidentKind Kind,
    long EventCount,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyList<EvidenceItem> Evidence,
    IReadOnlyList<string> Plan);

/// <summary>Events of one source and ID folded into a detection; TLS fields only for Schannel alerts.</summary>
/// <remarks><c>ErrorState</c> is Schannel's undocumented internal state, kept raw; <c>SspiError</c> is Microsoft's mapping of the alert.</remarks>
public sealed record EvidenceItem(
    string Source,
    int EventId,
    long Count,
    int? TlsAlert = null,
    string? TlsAlertName = null,
    string? ErrorState = null,
    string? SspiError = null);
