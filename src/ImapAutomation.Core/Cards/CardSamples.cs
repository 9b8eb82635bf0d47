using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Detection;

namespace ImapAutomation.Core.Cards;

/// <summary>Realistic models of every card kind, for <c>imapauto cards sample</c>, the README pictures and the tests.</summary>
internal static class CardSamples
{
    public const string Host = "imapauto.contoso.com";
    public const string IncidentId = "inc-20261130-ex01-cert";

    public static readonly Uri IncidentUrl = new($"https://{Host}/incidents/{IncidentId}");

    private static readonly DateTimeOffset FirstSeen = new(2026, 11, 30, 9, 14, 0, TimeSpan.Zero);

    public static IReadOnlyList<string> Kinds { get; } = ["incident", "result", "escalation", "progress"];

    public static CardOptions Options(string schemaVersion = "1.5")
    {
        var options = new CardOptions
        {
            SchemaVersion = schemaVersion,
            TenantId = "contoso.onmicrosoft.com",
            LogAnalyticsWorkspaceResourceId = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-imapauto/providers/Microsoft.OperationalInsights/workspaces/log-imapauto",
        };
        options.AllowedLinkHosts.Add(Host);
        return options;
    }

    public static IncidentCardModel Incident() => new(
        IncidentId,
        "ex01",
        IncidentKind.ImapCertificateBinding,
        CardSeverity.Critical,
        "Awaiting approval",
        EventCount: 4_824,
        FirstSeen,
        FirstSeen.AddMinutes(28),
        [
            new EvidenceItem("Schannel", 36888, 4_812, TlsAlert: 51, TlsAlertName: "decrypt_error", ErrorState: "1205"),
            new EvidenceItem("MSExchangeIMAP4", 1102, 12),
        ],
        [
            new PlanStepModel("Find a valid certificate for imap.contoso.com in the local machine store", PlanStepStatus.Succeeded),
            new PlanStepModel("Bind it to IMAP (Enable-ExchangeCertificate -Services IMAP)", PlanStepStatus.AwaitingApproval, RequiresApproval: true,
                ApproveUrl: Approval("approve"), RejectUrl: Approval("reject")),
            new PlanStepModel("Restart MSExchangeIMAP4 and MSExchangeIMAP4BE", PlanStepStatus.Pending, RequiresApproval: true),
            new PlanStepModel("Verify with an IMAPS handshake on port 993", PlanStepStatus.Pending),
        ],
        IncidentUrl,
        RerunDiagnosticsUrl: new Uri($"https://{Host}/incidents/{IncidentId}/diagnostics"));

    public static ResultCardModel Result() => new(
        IncidentId,
        "ex01",
        IncidentKind.ImapCertificateBinding,
        Succeeded: true,
        [
            new ChangeModel("IMAP certificate", "none bound (self-signed expired 2026-11-29)", "CN=imap.contoso.com"),
            new ChangeModel("X509CertificateName", "ex01.contoso.local", "imap.contoso.com",
            [
                new StateChangeModel("X509CertificateName", "ex01.contoso.local", "imap.contoso.com"),
                new StateChangeModel("Thumbprint", "9B1D5E7A0C3F2E4D6B8A1C3E5F7092B4D6E8F0A1", "3F2A9C41D7E8B5066A1F0C2D9E7B4A5C8D1E2F30"),
                new StateChangeModel("NotAfter", "2026-11-29T00:00:00Z", "2027-10-14T23:59:59Z"),
            ]),
            new ChangeModel("MSExchangeIMAP4", "running, failing handshakes", "restarted 09:47 UTC"),
        ],
        new VerificationModel(
            Passed: true,
            CertificateSubject: "CN=imap.contoso.com",
            Thumbprint: "3F2A9C41D7E8B5066A1F0C2D9E7B4A5C8D1E2F30",
            NotAfter: new DateTimeOffset(2027, 10, 14, 23, 59, 59, TimeSpan.Zero),
            Protocol: "TLS 1.2"),
        TimeSpan.FromSeconds(192),
        ApprovedBy: "Dana Whitfield",
        IncidentUrl);

    public static EscalationCardModel Escalation() => new(
        IncidentId,
        "ex01",
        IncidentKind.ImapCertificateBinding,
        EscalationReason.AttemptsExhausted,
        "Verification after attempt 3: the IMAPS handshake on ex01:993 still ends with decrypt_error.",
        Attempts: 3,
        [
            "Get-ExchangeCertificate -Server ex01 | Where-Object { $_.Services -match 'IMAP' } | Format-List Thumbprint,Subject,NotAfter",
            "Enable-ExchangeCertificate -Server ex01 -Thumbprint 3F2A9C41D7E8B5066A1F0C2D9E7B4A5C8D1E2F30 -Services IMAP",
            "Set-ImapSettings -Server ex01 -X509CertificateName imap.contoso.com",
            "Restart-Service MSExchangeIMAP4, MSExchangeIMAP4BE",
        ],
        IncidentUrl);

    public static ProgressCardModel Progress() => new(
        IncidentId,
        "ex01",
        IncidentKind.ImapCertificateBinding,
        "Dana Whitfield approved step 2; the runbook is running",
        [
            new PlanStepModel("Find a valid certificate for imap.contoso.com in the local machine store", PlanStepStatus.Succeeded),
            new PlanStepModel("Bind it to IMAP (Enable-ExchangeCertificate -Services IMAP)", PlanStepStatus.Running, RequiresApproval: true),
            new PlanStepModel("Restart MSExchangeIMAP4 and MSExchangeIMAP4BE", PlanStepStatus.Pending, RequiresApproval: true),
            new PlanStepModel("Verify with an IMAPS handshake on port 993", PlanStepStatus.Pending),
        ],
        IncidentUrl);

    /// <summary>The sample card of one kind, built with the sample options.</summary>
    public static System.Text.Json.Nodes.JsonObject Build(string kind, string schemaVersion = "1.5")
    {
        var options = Microsoft.Extensions.Options.Options.Create(Options(schemaVersion));
        return kind switch
        {
            "incident" => new IncidentCardBuilder(options).Build(Incident()),
            "result" => new ResultCardBuilder(options).Build(Result()),
            "escalation" => new EscalationCardBuilder(options).Build(Escalation()),
            "progress" => new ProgressCardBuilder(options).Build(Progress()),
            _ => throw new ArgumentException($"Unknown card kind '{kind}'; expected one of {string.Join(", ", Kinds)}.", nameof(kind)),
        };
    }

    private static Uri Approval(string decision) =>
        new($"https://{Host}/api/approvals/{IncidentId}/steps/2?decision={decision}&exp=1796032800&sig=Q2FyZHMtc2FtcGxlLW5vdC1hLXNlY3JldA");
}
