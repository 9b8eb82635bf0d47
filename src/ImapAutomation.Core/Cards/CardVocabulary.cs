using System.Globalization;
using ImapAutomation.Core.Catalog;

namespace ImapAutomation.Core.Cards;

/// <summary>The words cards use for kinds, severities, statuses and reasons: trusted text, written once.</summary>
internal static class CardVocabulary
{
    public static string KindName(IncidentKind kind) => kind switch
    {
        IncidentKind.ImapCertificateBinding => "IMAP certificate binding",
        IncidentKind.TlsHandshakeFailure => "TLS handshake failure",
        IncidentKind.ImapProxyAuthFailure => "IMAP proxy authentication failure",
        IncidentKind.ImapConnectionLimit => "IMAP connection limit",
        _ => kind.ToString(),
    };

    /// <summary>The first half of the diagnosis sentence; <paramref name="server"/> is already escaped.</summary>
    public static string Problem(IncidentKind kind, string server) => kind switch
    {
        IncidentKind.ImapCertificateBinding => $"IMAP on {server} has no usable TLS certificate",
        IncidentKind.TlsHandshakeFailure => $"TLS handshakes with IMAP clients on {server} are failing",
        IncidentKind.ImapProxyAuthFailure => $"IMAP on {server} cannot authenticate its proxy connections to the mailbox server",
        IncidentKind.ImapConnectionLimit => $"IMAP on {server} is turning clients away at its connection limit",
        _ => $"{KindName(kind)} on {server}",
    };

    public static (string Style, string Color, string Label) Severity(CardSeverity severity) => severity switch
    {
        CardSeverity.Critical => ("attention", "Attention", "CRITICAL"),
        CardSeverity.Warning => ("warning", "Warning", "WARNING"),
        _ => ("accent", "Accent", "INFO"),
    };

    public static (string Text, string? Color) Status(PlanStepStatus status) => status switch
    {
        PlanStepStatus.AwaitingApproval => ("Needs approval", "Warning"),
        PlanStepStatus.Approved => ("Approved", "Good"),
        PlanStepStatus.Rejected => ("Rejected", "Attention"),
        PlanStepStatus.Running => ("Running", "Accent"),
        PlanStepStatus.Succeeded => ("Done", "Good"),
        PlanStepStatus.Failed => ("Failed", "Attention"),
        PlanStepStatus.Skipped => ("Skipped", null),
        _ => ("Pending", null),
    };

    public static string Reason(EscalationReason reason, int attempts) => reason switch
    {
        EscalationReason.AttemptsExhausted => $"The fix was tried {attempts.ToString(CultureInfo.InvariantCulture)} times and the problem is still there.",
        EscalationReason.CircuitBreakerOpen => "Too many servers needed this same fix at once, so automatic changes of this kind are paused across the fleet (fleet circuit breaker open).",
        EscalationReason.Flapping => "The problem keeps coming back after being fixed (flapping), so automation stopped repeating the fix.",
        EscalationReason.PoisonMessage => "The runbook request could not be processed and was moved aside (poison message).",
        EscalationReason.ApprovalRejected => "An approver rejected the planned change.",
        EscalationReason.NoAutomaticFix => "Diagnostics were collected, but the catalog has no automatic fix for this cause.",
        EscalationReason.RequestRejected => "The hybrid worker refused the runbook request (signature, expiry, replay or target check).",
        EscalationReason.FleetBreakerHeld => "The fleet circuit breaker is open for this kind of fix, so this server was held and not changed; it needs a person like the rest of the fleet.",
        _ => "Automation stopped.",
    };

    public static string Time(DateTimeOffset value, DateTimeOffset reference)
    {
        var utc = value.ToUniversalTime();
        return utc.Date == reference.ToUniversalTime().Date
            ? utc.ToString("HH:mm", CultureInfo.InvariantCulture) + " UTC"
            : utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
    }

    public static string Duration(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 60 } => $"{duration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s",
        { TotalMinutes: < 60 } => $"{duration.Minutes.ToString(CultureInfo.InvariantCulture)} min {duration.Seconds.ToString(CultureInfo.InvariantCulture)} s",
        _ => $"{((int)duration.TotalHours).ToString(CultureInfo.InvariantCulture)} h {duration.Minutes.ToString(CultureInfo.InvariantCulture)} min",
    };

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
