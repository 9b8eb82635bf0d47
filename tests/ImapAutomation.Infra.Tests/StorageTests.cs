using System.Text.Json.Nodes;
using ImapAutomation.Core.Catalog;

namespace ImapAutomation.Infra.Tests;

[Collection(CompiledTemplateGroup.Name)]
public sealed class StorageTests(CompiledTemplateFixture fixture)
{
    [Fact]
    public void StorageAccount_Compiled_HasSharedKeysOffAndTls12Minimum()
    {
        Assert.Empty(TemplateChecks.StorageSecurity(fixture.Template));
    }

    [Theory]
    [InlineData("allowSharedKeyAccess", true, "allowSharedKeyAccess is not false")]
    [InlineData("minimumTlsVersion", "TLS1_0", "minimumTlsVersion is not TLS1_2")]
    [InlineData("allowBlobPublicAccess", true, "allowBlobPublicAccess is not false")]
    public void StorageSecurity_TamperedAccount_IsReported(string property, object value, string expected)
    {
        var template = fixture.Template;
        var (_, account) = template.AllResourcesOfType(TemplateChecks.StorageAccountType).Single();
        account["properties"]![property] = JsonValue.Create(value);

        Assert.Contains(TemplateChecks.StorageSecurity(template), v => v.EndsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Queues_Compiled_AreExactlyTheCatalogQueues()
    {
        var storage = fixture.Template.Module("storage");
        var (_, queues) = storage.AllResourcesOfType("Microsoft.Storage/storageAccounts/queueServices/queues").Single();

        // One queue per element of the module's queueNames input, which resolves to main.bicep's literal list.
        Assert.Contains("parameters('queueNames')[copyIndex()]", queues["name"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("[length(parameters('queueNames'))]", queues["copy"]?["count"]?.ToString());
        var names = storage.Resolve(JsonValue.Create("[parameters('queueNames')]"))!.AsArray().Select(n => n!.ToString());
        Assert.Equal(StorageNames.Queues.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Tables_Compiled_AreExactlyTheCatalogTables()
    {
        var storage = fixture.Template.Module("storage");
        var (_, tables) = storage.AllResourcesOfType("Microsoft.Storage/storageAccounts/tableServices/tables").Single();

        Assert.Contains("parameters('tableNames')[copyIndex()]", tables["name"]!.ToString(), StringComparison.Ordinal);
        var names = storage.Resolve(JsonValue.Create("[parameters('tableNames')]"))!.AsArray().Select(n => n!.ToString());
        Assert.Equal(StorageNames.Tables.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Queues_PassedToRoleAssignments_AreTheCatalogNames()
    {
        var rbac = fixture.Template.Module("rbac");

        Assert.Equal(StorageNames.RequestsQueue, rbac.Resolve(JsonValue.Create("[parameters('requestsQueueName')]"))?.ToString());
        Assert.Equal(StorageNames.ResultsQueue, rbac.Resolve(JsonValue.Create("[parameters('resultsQueueName')]"))?.ToString());
        Assert.Equal(StorageNames.RequestsPoisonQueue, rbac.Resolve(JsonValue.Create("[parameters('requestsPoisonQueueName')]"))?.ToString());
    }

    [Fact]
    public void DeploymentContainer_Compiled_IsPrivate()
    {
        var (_, container) = fixture.Template.Module("storage").AllResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers").Single();

        Assert.Equal("None", container["properties"]?["publicAccess"]?.ToString());
    }
}
