namespace ImapAutomation.Core.Catalog;

/// <summary>The Key Vault secret names infra/ creates and the rotation procedure (docs/deploy.md) writes.</summary>
public static class SecretNames
{
    public const string RunbookSigningCurrentKey = "runbook-signing-key-current";
    public const string RunbookSigningPreviousKey = "runbook-signing-key-previous";
    public const string TeamsWorkflowUrl = "teams-workflow-url";
}
