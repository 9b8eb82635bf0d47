using System.Text.Json;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;

namespace ImapAutomation.Core.Tests.Contracts;

internal static class ContractSamples
{
    public static readonly DateTimeOffset Now = new(2026, 10, 14, 9, 0, 0, TimeSpan.Zero);

    public static byte[] Key(byte fill) => Enumerable.Repeat(fill, 32).ToArray();

    public static RunbookKeyRing Ring(string current = "k2", string? previous = "k1") =>
        new(current, Key(2), previous, previous is null ? null : Key(1));

    public static JsonElement JsonOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static RunbookRequest Request(string runbook = RunbookNames.SetImapConnectionLimits, string server = "ex01.contoso.com",
        IReadOnlyDictionary<string, JsonElement>? parameters = null) => new()
    {
        SchemaVersion = RunbookRequest.CurrentSchemaVersion,
        RequestId = RunbookRequestIds.For("ex01.contoso.com/ImapConnectionLimit", 1, 0, 1),
        IncidentId = "ex01.contoso.com/ImapConnectionLimit",
        Runbook = runbook,
        TargetServer = server,
        Parameters = parameters ?? new Dictionary<string, JsonElement> { ["MaxConnectionsPerUser"] = JsonOf("200000") },
        NotBefore = Now,
        ExpiresAt = Now.AddHours(1),
        RequestedBy = "system",
        ApprovedBy = "operator@contoso.com",
    };

    /// <summary>A succeeded, verified certificate fix, unsigned.</summary>
    public static RunbookResult Result() => new()
    {
        SchemaVersion = RunbookResult.CurrentSchemaVersion,
        RequestId = RunbookRequestIds.For("ex01/ImapCertificateBinding", 1, 0, 1),
        Status = RunbookStatus.Succeeded,
        StartedAt = Now,
        CompletedAt = Now.AddSeconds(20),
        BeforeState = JsonOf("""{"x509CertificateName":null}"""),
        AfterState = JsonOf("""{"x509CertificateName":"ex01.contoso.com"}"""),
        Output = "bound",
        Verification = VerificationOutcome.Passed,
        VerificationDetail = "IMAPS handshake presented CN=ex01.contoso.com",
    };
}
