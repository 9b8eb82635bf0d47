using System.Text.Json.Nodes;

namespace ImapAutomation.Infra.Tests;

[Collection(CompiledTemplateGroup.Name)]
public sealed class RoleAssignmentTests(CompiledTemplateFixture fixture)
{
    // The built-in roles this deployment means to grant, and nothing else.
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageQueueDataMessageProcessor = "8a0f0c08-91a1-4084-bc3d-661d67233fed";
    private const string StorageQueueDataMessageSender = "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string LogAnalyticsReader = "73c42c96-874c-492b-b04d-ab87d138a893";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string AutomationJobOperator = "4fe576fe-1146-4730-92eb-48519fa6bf9f";

    // The one custom role: receive, renew (Update Message) and delete on the requests queue, for the hybrid worker.
    private const string WorkerRequestProcessor = "custom:variables('workerRequestProcessorRoleName')";

    private static readonly HashSet<string> IntendedRoles =
    [
        StorageBlobDataOwner, StorageQueueDataContributor, StorageQueueDataMessageSender,
        StorageTableDataContributor, LogAnalyticsReader, KeyVaultSecretsUser, KeyVaultSecretsOfficer, MonitoringMetricsPublisher,
        AutomationJobOperator, WorkerRequestProcessor,
    ];

    [Fact]
    public void RoleAssignments_Compiled_UseOnlyIntendedRolesWithGuidNamesAndReasons()
    {
        var assignments = TemplateChecks.RoleAssignments(fixture.Template);

        Assert.NotEmpty(assignments);
        Assert.Empty(TemplateChecks.RoleAssignmentViolations(fixture.Template, IntendedRoles));
    }

    [Fact]
    public void RoleAssignments_Compiled_NoneIsOwnerContributorOrUserAccessAdministrator()
    {
        var roleIds = TemplateChecks.RoleAssignments(fixture.Template).Select(a => a.RoleId).ToList();

        Assert.All(roleIds, id => Assert.False(TemplateChecks.PrivilegedRoles.ContainsKey(id!), id));
    }

    [Theory]
    [InlineData("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "grants Owner")]
    [InlineData("b24988ac-6180-42dd-a1c8-6de4a0c8a6e4", "grants Contributor")]
    [InlineData("18d7d88d-d35e-4fb0-a5c3-5773c6b72d2c", "grants User Access Administrator")]
    [InlineData("acdd72a7-3385-48ef-bd42-f606fba81ae7", "is not one of the intended roles")]
    public void RoleAssignmentViolations_InjectedRole_IsReported(string roleId, string expected)
    {
        var template = fixture.Template;
        var rbac = template.Module("rbac");
        var injected = new JsonObject
        {
            ["type"] = TemplateChecks.RoleAssignmentType,
            ["apiVersion"] = "2022-04-01",
            ["name"] = "[guid(resourceGroup().id, 'injected')]",
            ["properties"] = new JsonObject
            {
                ["roleDefinitionId"] = $"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{roleId}')]",
                ["principalId"] = "[parameters('appPrincipalId')]",
                ["description"] = "injected by the test",
            },
        };
        rbac.Json["resources"]!.AsArray().Add(injected);

        Assert.Contains(TemplateChecks.RoleAssignmentViolations(template, IntendedRoles), v => v.EndsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void RoleAssignmentViolations_LiteralName_IsReported()
    {
        var template = fixture.Template;
        var (_, assignment) = template.AllResourcesOfType(TemplateChecks.RoleAssignmentType).First();
        assignment["name"] = "fixed-name";

        Assert.Contains(TemplateChecks.RoleAssignmentViolations(template, IntendedRoles), v => v.EndsWith("is not a guid(...) expression", StringComparison.Ordinal));
    }

    [Fact]
    public void FunctionApp_Compiled_GetsDataRolesOnItsAccountWorkspaceAndVault()
    {
        var app = TemplateChecks.RoleAssignments(fixture.Template)
            .Where(a => a.PrincipalId == "[parameters('appPrincipalId')]")
            .ToDictionary(a => a.RoleId!, a => a.Name);

        Assert.Contains("Microsoft.Storage/storageAccounts'", app[StorageQueueDataContributor], StringComparison.Ordinal);
        Assert.Contains("Microsoft.Storage/storageAccounts'", app[StorageTableDataContributor], StringComparison.Ordinal);
        Assert.Contains("Microsoft.Storage/storageAccounts'", app[StorageBlobDataOwner], StringComparison.Ordinal);
        Assert.Contains("Microsoft.OperationalInsights/workspaces'", app[LogAnalyticsReader], StringComparison.Ordinal);
        Assert.Contains("Microsoft.KeyVault/vaults'", app[KeyVaultSecretsUser], StringComparison.Ordinal);
        Assert.Contains("Microsoft.Insights/components'", app[MonitoringMetricsPublisher], StringComparison.Ordinal);
        Assert.Contains("Microsoft.Automation/automationAccounts'", app[AutomationJobOperator], StringComparison.Ordinal);
        Assert.DoesNotContain(StorageQueueDataMessageProcessor, app.Keys);
    }

    [Fact]
    public void HybridWorker_Compiled_GetsOnlyQueueScopedMessageRolesAndSecretScopedReads()
    {
        var worker = TemplateChecks.RoleAssignments(fixture.Template)
            .Where(a => a.PrincipalId == "[parameters('hybridWorkerPrincipalId')]")
            .ToList();

        Assert.Equal(6, worker.Count);
        var processor = Assert.Single(worker, a => a.RoleId == WorkerRequestProcessor);
        var telemetry = Assert.Single(worker, a => a.RoleId == MonitoringMetricsPublisher);
        Assert.Contains("Microsoft.Insights/components'", telemetry.Scope, StringComparison.Ordinal);
        Assert.Contains("parameters('requestsQueueName')", processor.Scope, StringComparison.Ordinal);
        var senders = worker.Where(a => a.RoleId == StorageQueueDataMessageSender).Select(a => a.Scope).ToList();
        Assert.Equal(2, senders.Count);
        Assert.Contains(senders, s => s!.Contains("parameters('resultsQueueName')", StringComparison.Ordinal));
        Assert.Contains(senders, s => s!.Contains("parameters('requestsPoisonQueueName')", StringComparison.Ordinal));
        Assert.All(worker.Where(a => a.RoleId == KeyVaultSecretsUser), a => Assert.Contains("Microsoft.KeyVault/vaults/secrets", a.Scope, StringComparison.Ordinal));

        // Every worker grant is scoped to one queue, one secret or the telemetry component: never an account, vault or group.
        Assert.All(worker, a => Assert.False(string.IsNullOrEmpty(a.Scope), $"{a.Name} has no narrow scope"));
        Assert.All(worker, a => Assert.Contains(a.RoleId, new[] { WorkerRequestProcessor, StorageQueueDataMessageSender, KeyVaultSecretsUser, MonitoringMetricsPublisher }));
    }

    [Fact]
    public void WorkerRequestProcessorRole_Compiled_GrantsExactlyReceiveRenewAndDelete()
    {
        var role = Assert.Single(TemplateChecks.CustomRoles(fixture.Template));

        Assert.Equal(WorkerRequestProcessor, role.Id);
        // Get Messages and Delete Message need messages/process/action; Update Message (the visibility renewal) needs
        // messages/write, which the built-in Message Processor lacks. No read (peek), no delete (Clear Messages), no
        // management actions, no wildcards.
        Assert.Equal(
            ["Microsoft.Storage/storageAccounts/queueServices/queues/messages/process/action", "Microsoft.Storage/storageAccounts/queueServices/queues/messages/write"],
            role.DataActions.Order(StringComparer.Ordinal));
        Assert.Empty(role.Actions);
        Assert.Equal(["[resourceGroup().id]"], role.AssignableScopes);
        Assert.Contains("parameters('storageAccountName')", role.RoleName, StringComparison.Ordinal);
    }
}
