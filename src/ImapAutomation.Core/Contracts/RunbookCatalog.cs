using ImapAutomation.Core.Catalog;

namespace ImapAutomation.Core.Contracts;

/// <summary>
/// The parameter definitions of every catalog runbook (names as the PowerShell runbooks declare them), with the
/// ranges Exchange documents (Set-ImapSettings: connection limits 1..2147483647, MaxCommandSize 1024..16384).
/// </summary>
public static class RunbookCatalog
{
    private const long MaxInt = int.MaxValue;

    // The runbook sets the five IMAP/CPA budgets to Unlimited, as the seed says; only the policy is a parameter.
    private static readonly ParameterDefinition[] ThrottlingValues =
    [
        new("Identity", ParameterType.Text, MaxLength: 64, Pattern: "^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}\\z", DefaultJson: "\"NPUMAdminPolicy\""),
    ];

    public static IReadOnlyDictionary<string, RunbookDefinition> Definitions { get; } = new RunbookDefinition[]
    {
        new(RunbookNames.GetImapDiagnostics, RunbookRisk.ReadOnly, []),
        new(RunbookNames.TestImapTls, RunbookRisk.ReadOnly,
        [
            new("Port", ParameterType.WholeNumber, Min: 1, Max: 65535, DefaultJson: "993"),
            new("ExpectedHostName", ParameterType.HostName, MaxLength: 253),
        ]),
        new(RunbookNames.SetImapCertificate, RunbookRisk.Low,
        [
            new("Thumbprint", ParameterType.Thumbprint),
            new("HostName", ParameterType.HostName, MaxLength: 253),
            new("MinimumDaysLeft", ParameterType.WholeNumber, Min: 30, Max: 3650, DefaultJson: "30"),
        ]),
        new(RunbookNames.RestartImapServices, RunbookRisk.Low, [new("Force", ParameterType.Boolean)]),
        new(RunbookNames.SetImapProtocolLogQuota, RunbookRisk.Low,
        [
            new("LogPerFileSizeQuota", ParameterType.ByteSize, Required: true, Min: 1024 * 1024, Max: 1024L * 1024 * 1024, DefaultJson: "\"10MB\""),
        ]),
        new(RunbookNames.DisableImapNtlm, RunbookRisk.High, []),
        new(RunbookNames.SetImapConnectionLimits, RunbookRisk.High,
        [
            new("MaxConnectionsPerUser", ParameterType.WholeNumber, Min: 1, Max: MaxInt, DefaultJson: "200000"),
            new("MaxConnections", ParameterType.WholeNumber, Min: 1, Max: MaxInt),
            new("MaxConnectionFromSingleIP", ParameterType.WholeNumber, Min: 1, Max: MaxInt),
            new("MaxCommandSize", ParameterType.WholeNumber, Min: 1024, Max: 16384),
        ]),
        new(RunbookNames.SetImapThrottlingPolicy, RunbookRisk.High, ThrottlingValues),
        new(RunbookNames.SetStoreSessionLimits, RunbookRisk.High,
        [
            new("MaximumAllowedSessionsPerUser", ParameterType.WholeNumber, Min: 1, Max: 65535, DefaultJson: "8264"),
            new("MaximumAllowedServiceSessionsPerUser", ParameterType.WholeNumber, Min: 1, Max: 65535, DefaultJson: "8264"),
        ]),
    }.ToDictionary(definition => definition.Name, StringComparer.Ordinal);

    public static bool TryGet(string? runbook, out RunbookDefinition definition)
    {
        definition = null!;
        return runbook is not null && Definitions.TryGetValue(runbook, out definition!);
    }
}
