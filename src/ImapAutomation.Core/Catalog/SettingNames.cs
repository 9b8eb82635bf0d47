namespace ImapAutomation.Core.Catalog;

/// <summary>
/// The application settings infra/ writes on the Function App and the code reads. Names use the double underscore,
/// which .NET configuration reads as a section separator (<c>Storage__queueServiceUri</c> is <c>Storage:queueServiceUri</c>).
/// A test checks the compiled Bicep template against these constants, so a rename here fails the build of the template.
/// </summary>
public static class SettingNames
{
    /// <summary>The identity-based connection the app's queues and tables use (<c>Connection = SettingNames.StorageConnection</c> on triggers).</summary>
    public const string StorageConnection = "Storage";

    public const string StorageQueueServiceUri = StorageConnection + "__queueServiceUri";
    public const string StorageTableServiceUri = StorageConnection + "__tableServiceUri";
    public const string StorageCredential = StorageConnection + "__credential";
    public const string StorageClientId = StorageConnection + "__clientId";

    /// <summary>The Functions host's own storage (keys, timer leases); on Flex Consumption the blob endpoint is required.</summary>
    public const string HostStorageConnection = "AzureWebJobsStorage";

    public const string HostStorageBlobServiceUri = HostStorageConnection + "__blobServiceUri";
    public const string HostStorageQueueServiceUri = HostStorageConnection + "__queueServiceUri";
    public const string HostStorageTableServiceUri = HostStorageConnection + "__tableServiceUri";
    public const string HostStorageCredential = HostStorageConnection + "__credential";
    public const string HostStorageClientId = HostStorageConnection + "__clientId";

    /// <summary>The value of the <c>__credential</c> settings that selects a managed identity.</summary>
    public const string ManagedIdentityCredential = "managedidentity";

    /// <summary>The user-assigned identity's client id; DefaultAzureCredential picks it up for Log Analytics, Key Vault and Graph.</summary>
    public const string AzureClientId = "AZURE_CLIENT_ID";

    public const string ApplicationInsightsConnectionString = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>Makes the Application Insights exporter authenticate with Entra ID (the component has local auth off).</summary>
    public const string ApplicationInsightsAuthenticationString = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>The workspace's customer id (a GUID), as the Log Analytics query API wants it.</summary>
    public const string LogAnalyticsWorkspaceId = "LogAnalytics__WorkspaceId";

    /// <summary>The NCRONTAB schedule of PollEventLog (<c>%PollSchedule%</c> in the timer trigger).</summary>
    public const string PollSchedule = "PollSchedule";

    /// <summary>The NCRONTAB schedule of TickIncidents (<c>%TickSchedule%</c>): request time-outs, waiting incidents, outbox redelivery.</summary>
    public const string TickSchedule = "TickSchedule";

    /// <summary>The app's public https address; approval and incident links on cards hang under it.</summary>
    public const string FunctionsPublicBaseUrl = "Functions__PublicBaseUrl";

    /// <summary>The app's own host on the card link allow-list (index 1: the default list holds the portal).</summary>
    public const string CardsAppLinkHost = "Cards__AllowedLinkHosts__1";

    /// <summary>The HMAC keys of runbook requests: the current one signs, both verify (rotation). Key Vault references.</summary>
    public const string RunbookSigningCurrentKey = "RunbookSigning__CurrentKey";

    public const string RunbookSigningPreviousKey = "RunbookSigning__PreviousKey";

    /// <summary>The Teams Workflows webhook URL (a secret: anyone holding it can post). A Key Vault reference.</summary>
    public const string TeamsWorkflowUrl = "Teams__WebhookUrl";

    /// <summary>Set only when the optional Azure Automation back end is deployed.</summary>
    public const string AutomationAccountResourceId = "Automation__AccountResourceId";

    public const string AutomationHybridWorkerGroup = "Automation__HybridWorkerGroup";

    /// <summary>The settings every deployment carries (the Automation ones are added only with that back end).</summary>
    public static IReadOnlyList<string> Always { get; } =
    [
        StorageQueueServiceUri, StorageTableServiceUri, StorageCredential, StorageClientId,
        HostStorageBlobServiceUri, HostStorageQueueServiceUri, HostStorageTableServiceUri, HostStorageCredential, HostStorageClientId,
        AzureClientId, ApplicationInsightsConnectionString, ApplicationInsightsAuthenticationString,
        LogAnalyticsWorkspaceId, PollSchedule, RunbookSigningCurrentKey, RunbookSigningPreviousKey, TeamsWorkflowUrl,
        TickSchedule, FunctionsPublicBaseUrl, CardsAppLinkHost,
    ];

    public static IReadOnlyList<string> Automation { get; } = [AutomationAccountResourceId, AutomationHybridWorkerGroup];

    /// <summary>The settings whose values are Key Vault references, never literal secrets.</summary>
    public static IReadOnlyList<string> FromKeyVault { get; } = [RunbookSigningCurrentKey, RunbookSigningPreviousKey, TeamsWorkflowUrl];
}
