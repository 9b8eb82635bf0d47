using System.Globalization;
using System.Text.RegularExpressions;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Signals;

namespace ImapAutomation.Core.Detection;

/// <summary>What one event means to the rules: which signal it is and, for Schannel, its decoded alert.</summary>
internal enum SignalKind
{
    Other,
    ImapCertificate,
    Schannel36888,
    ProxyNotAuthenticated,
    ConnectionLimit,
}

/// <summary>The classification rules of issue 3 and the remediation plan of each incident kind.</summary>
public static class DetectionRules
{
    internal const string SchannelProvider = "Schannel";

    public static IReadOnlyList<string> PlanFor(IncidentKind kind) => kind switch
    {
        IncidentKind.ImapCertificateBinding =>
            [RunbookNames.GetImapDiagnostics, RunbookNames.SetImapCertificate, RunbookNames.RestartImapServices, RunbookNames.TestImapTls],
        IncidentKind.TlsHandshakeFailure => [RunbookNames.GetImapDiagnostics, RunbookNames.TestImapTls],
        IncidentKind.ImapProxyAuthFailure =>
            [RunbookNames.GetImapDiagnostics, RunbookNames.SetImapCertificate, RunbookNames.DisableImapNtlm, RunbookNames.RestartImapServices, RunbookNames.TestImapTls],
        IncidentKind.ImapConnectionLimit =>
            [RunbookNames.GetImapDiagnostics, RunbookNames.SetImapConnectionLimits, RunbookNames.SetImapThrottlingPolicy, RunbookNames.RestartImapServices],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown incident kind"),
    };

    internal static SignalKind Classify(SignalEvent e)
    {
        if (string.Equals(e.AlertCondition, "Resolved", StringComparison.OrdinalIgnoreCase) || e.Server.Length == 0)
        {
            return SignalKind.Other;
        }

        if (IsImap(e.Provider))
        {
            return e.EventId switch
            {
                1102 or 2007 => SignalKind.ImapCertificate,
                1009 or 1101 or 1103 => SignalKind.ConnectionLimit,
                _ => SignalKind.Other,
            };
        }

        if (e.EventId == 36888 && string.Equals(e.Provider, SchannelProvider, StringComparison.OrdinalIgnoreCase))
        {
            return SignalKind.Schannel36888;
        }

        if (ReferenceEquals(e.Provider, SignalEvent.ImapProtocolLogProvider) || e.Provider == SignalEvent.ImapProtocolLogProvider)
        {
            return e.NamedData.TryGetValue("ErrMsg", out var err) && string.Equals(err, "ProxyNotAuthenticated", StringComparison.OrdinalIgnoreCase)
                ? SignalKind.ProxyNotAuthenticated
                : SignalKind.Other;
        }

        return SignalKind.Other;
    }

    private static bool IsImap(string provider) =>
        string.Equals(provider, "MSExchangeIMAP4", StringComparison.OrdinalIgnoreCase) ||
        string.Equals(provider, "MSExchangeIMAP4BE", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The alert code and Schannel error state of a 36888: named data (AlertDesc, ErrorState), else the first two
    /// positional values (ParameterXml), else the rendered text in either Windows wording.
    /// </summary>
    internal static (int? Alert, string? ErrorState) TlsAlertOf(SignalEvent e)
    {
        string? alert = null, state = null;
        if (e.NamedData.Count > 0)
        {
            e.NamedData.TryGetValue("AlertDesc", out alert);
            e.NamedData.TryGetValue("ErrorState", out state);
        }

        if (alert is null && e.PositionalData.Count > 0 && int.TryParse(e.PositionalData[0], NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            alert = e.PositionalData[0];
            state = e.PositionalData.Count > 1 ? e.PositionalData[1] : null;
        }

        if (alert is null && e.RenderedText is { } text && AlertPattern.Match(text) is { Success: true } m)
        {
            alert = m.Groups["alert"].Value;
            state = m.Groups["state"].Success ? m.Groups["state"].Value : null;
        }

        var code = int.TryParse(alert, NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) ? c : (int?)null;
        return (code, string.IsNullOrWhiteSpace(state) ? null : state.Trim());
    }

    // "The following fatal alert was generated: 51. The internal error state is 900." (older Windows) and
    // "... fatal error code is 40. The Windows SChannel error state is 1205." / "... fatal alert code is 40." (newer).
    // Linear time on any rendered text, so no match timeout (which a busy machine could trip in wall-clock time).
    private static readonly Regex AlertPattern = new(
        @"fatal (?:alert was generated: |(?:error|alert) code is )(?<alert>\d{1,3})\.(?:.*?error state is (?<state>\d{1,6}))?",
        RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.NonBacktracking);
}
