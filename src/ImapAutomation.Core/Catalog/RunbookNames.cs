namespace ImapAutomation.Core.Catalog;

/// <summary>The runbook catalog's names, shared by rules, policy, the queue contract and the hybrid worker.</summary>
public static class RunbookNames
{
    public const string GetImapDiagnostics = "Get-ImapDiagnostics";
    public const string SetImapCertificate = "Set-ImapCertificate";
    public const string DisableImapNtlm = "Disable-ImapNtlm";
    public const string SetImapConnectionLimits = "Set-ImapConnectionLimits";
    public const string SetImapThrottlingPolicy = "Set-ImapThrottlingPolicy";
    public const string SetStoreSessionLimits = "Set-StoreSessionLimits";
    public const string SetImapProtocolLogQuota = "Set-ImapProtocolLogQuota";
    public const string RestartImapServices = "Restart-ImapServices";
    public const string TestImapTls = "Test-ImapTls";

    public static IReadOnlyList<string> All { get; } =
    [
        GetImapDiagnostics, SetImapCertificate, DisableImapNtlm, SetImapConnectionLimits, SetImapThrottlingPolicy,
        SetStoreSessionLimits, SetImapProtocolLogQuota, RestartImapServices, TestImapTls,
    ];
}
