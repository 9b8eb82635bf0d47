using System.Text.Json.Nodes;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Incidents;

namespace ImapAutomation.Cli.Demo;

/// <summary>
/// One incident kind of the catalog, played end to end: the lab's starting state, the storm that reveals it and what
/// counts as success. Resolved-and-verified for the three that change something; for <c>tls</c>, whose plan only
/// diagnoses (Get-ImapDiagnostics, Test-ImapTls), success is the incident escalated to people with its diagnostics and
/// the lab left exactly as it was.
/// </summary>
internal sealed class DemoScenario
{
    public const string BrokenServer = "ex01.contoso.com";
    public const string HealthyServer = "ex02.contoso.com";

    private DemoScenario(string name, IncidentKind kind, bool certificateBoundAtStart, string summary)
    {
        Name = name;
        Kind = kind;
        CertificateBoundAtStart = certificateBoundAtStart;
        Summary = summary;
    }

    public string Name { get; }

    public IncidentKind Kind { get; }

    /// <summary>False only for <c>certificate</c>: ex01's IMAP endpoint then answers <c>BYE Connection is closed. 14</c>.</summary>
    public bool CertificateBoundAtStart { get; }

    public string Summary { get; }

    public string IncidentId => IncidentIds.For(BrokenServer, Kind);

    /// <summary>The state the incident must end in for the run to succeed.</summary>
    public IncidentState ExpectedState => Kind == IncidentKind.TlsHandshakeFailure ? IncidentState.Escalated : IncidentState.Resolved;

    public static IReadOnlyList<DemoScenario> All { get; } =
    [
        new("certificate", IncidentKind.ImapCertificateBinding, certificateBoundAtStart: false,
            "ex01 has no certificate bound to IMAP: Schannel 36888 floods, MSExchangeIMAP4 1102, BYE Connection is closed. 14"),
        new("proxy", IncidentKind.ImapProxyAuthFailure, certificateBoundAtStart: true,
            "ex01's IMAP proxy logins fail with ProxyNotAuthenticated (NTLM on the back end): needs an approved Disable-ImapNtlm"),
        new("connection-limit", IncidentKind.ImapConnectionLimit, certificateBoundAtStart: true,
            "ex01 refuses the voice-mail system's connections (MSExchangeIMAP4 1009/1101/1103): needs approved limit changes"),
        new("tls", IncidentKind.TlsHandshakeFailure, certificateBoundAtStart: true,
            "Schannel 36888 floods on ex01 without an IMAP certificate error: diagnosed and escalated, nothing changed"),
    ];

    public static DemoScenario? Find(string name) => All.FirstOrDefault(s => s.Name == name);

    /// <summary>Why ex01's lab state is not the fixed one for this scenario (null when it is).</summary>
    public string? CheckFixed(JsonObject start, JsonObject end)
    {
        var imap = end["imapSettings"]!.AsObject();
        var bound = DemoLab.CertificateBound(end);
        return Kind switch
        {
            IncidentKind.ImapCertificateBinding => bound ? null : "no certificate is bound to IMAP",
            IncidentKind.ImapProxyAuthFailure => (bool?)imap["EnableGSSAPIAndNTLMAuth"] == false && bound ? null
                : $"EnableGSSAPIAndNTLMAuth is {imap["EnableGSSAPIAndNTLMAuth"]} (certificate bound: {bound})",
            IncidentKind.ImapConnectionLimit => (long?)imap["MaxConnectionsPerUser"] >= 200_000 ? null
                : $"MaxConnectionsPerUser is {imap["MaxConnectionsPerUser"]}",
            _ => JsonNode.DeepEquals(start, end) ? null : "the lab changed although this incident only diagnoses",
        };
    }
}
