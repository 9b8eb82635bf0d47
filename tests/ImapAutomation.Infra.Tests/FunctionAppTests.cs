using System.Text.Json.Nodes;
using ImapAutomation.Core.Catalog;

namespace ImapAutomation.Infra.Tests;

[Collection(CompiledTemplateGroup.Name)]
public sealed class FunctionAppTests(CompiledTemplateFixture fixture)
{
    /// <summary>Settings Flex Consumption refuses or ignores (the runtime and package live in functionAppConfig).</summary>
    private static readonly string[] NotOnFlexConsumption =
    [
        "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "FUNCTIONS_WORKER_RUNTIME_VERSION", "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "AzureWebJobsStorage", "WEBSITE_NODE_DEFAULT_VERSION",
        "SCALE_CONTROLLER_LOGGING_ENABLED", "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED",
    ];

    private JsonObject AppSettings()
    {
        var (_, config) = fixture.Template.Module("functions").AllResourcesOfType("Microsoft.Web/sites/config")
            .Single(x => x.Resource["name"]!.ToString().Contains("'appsettings'", StringComparison.Ordinal));
        return config["properties"]!.AsObject();
    }

    private (ArmTemplate Module, JsonObject Site) Site()
    {
        var module = fixture.Template.Module("functions");
        return (module, module.AllResourcesOfType("Microsoft.Web/sites").Single().Resource);
    }

    [Fact]
    public void AppSettings_Compiled_AreExactlyTheSettingNames()
    {
        var expected = SettingNames.Always.Concat(SettingNames.Automation).Order(StringComparer.Ordinal);

        Assert.Equal(expected, AppSettings().Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AppSettings_Compiled_ServerListComesFromTheRequiredExchangeServersParameter()
    {
        Assert.Equal("[parameters('exchangeServers')]", AppSettings()[SettingNames.FunctionsServerList]?.ToString());
        Assert.Null(fixture.Template.Parameters["exchangeServers"]!["defaultValue"]);
        Assert.Equal(1, fixture.Template.Parameters["exchangeServers"]!["minLength"]!.GetValue<int>());
    }

    [Fact]
    public void AppSettings_Compiled_NoneIsRefusedByFlexConsumption()
    {
        var names = AppSettings().Select(p => p.Key).ToList();

        Assert.All(NotOnFlexConsumption, n => Assert.DoesNotContain(n, names));
    }

    [Fact]
    public void AppSettings_Compiled_ConnectionsUseTheManagedIdentity()
    {
        var settings = AppSettings();

        Assert.Equal(SettingNames.ManagedIdentityCredential, settings[SettingNames.StorageCredential]?.ToString());
        Assert.Equal(SettingNames.ManagedIdentityCredential, settings[SettingNames.HostStorageCredential]?.ToString());
        Assert.Equal("[parameters('identityClientId')]", settings[SettingNames.StorageClientId]?.ToString());
        Assert.Equal("[parameters('identityClientId')]", settings[SettingNames.HostStorageClientId]?.ToString());
        Assert.Equal("[parameters('identityClientId')]", settings[SettingNames.AzureClientId]?.ToString());
        Assert.Equal("[parameters('storageQueueEndpoint')]", settings[SettingNames.StorageQueueServiceUri]?.ToString());
        Assert.Equal("[parameters('storageTableEndpoint')]", settings[SettingNames.StorageTableServiceUri]?.ToString());
        Assert.Contains("Authorization=AAD", settings[SettingNames.ApplicationInsightsAuthenticationString]!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(settings, p => p.Value?.ToString().Contains("AccountKey=", StringComparison.OrdinalIgnoreCase) == true);
    }

    [Fact]
    public void AppSettings_Compiled_SecretsAreKeyVaultReferencesToTheCatalogSecrets()
    {
        var settings = AppSettings();
        var functions = fixture.Template.Module("functions");
        var expected = new Dictionary<string, string>
        {
            [SettingNames.RunbookSigningCurrentKey] = SecretNames.RunbookSigningCurrentKey,
            [SettingNames.RunbookSigningPreviousKey] = SecretNames.RunbookSigningPreviousKey,
            [SettingNames.TeamsWorkflowUrl] = SecretNames.TeamsWorkflowUrl,
        };

        Assert.Equal(SettingNames.FromKeyVault.Order(StringComparer.Ordinal), expected.Keys.Order(StringComparer.Ordinal));
        foreach (var (setting, secret) in expected)
        {
            var value = settings[setting]!.ToString();
            Assert.StartsWith("[format('@Microsoft.KeyVault(VaultName={0};SecretName={1})', parameters('keyVaultName'), parameters('", value, StringComparison.Ordinal);
            var parameter = value.Split("parameters('")[2].Split('\'')[0];
            Assert.Equal(secret, functions.Resolve(JsonValue.Create($"[parameters('{parameter}')]"))?.ToString());
        }
    }

    [Fact]
    public void Site_Compiled_RunsDotnetIsolated10OnFlexConsumption()
    {
        var (module, site) = Site();
        var config = site["properties"]!["functionAppConfig"]!;
        var (_, plan) = module.AllResourcesOfType("Microsoft.Web/serverfarms").Single();

        Assert.Equal("dotnet-isolated", config["runtime"]!["name"]!.ToString());
        Assert.Equal("10.0", module.Resolve(config["runtime"]!["version"])?.ToString());
        Assert.Equal("FC1", plan["sku"]!["name"]!.ToString());
        Assert.Equal("FlexConsumption", plan["sku"]!["tier"]!.ToString());
        Assert.Equal("blobContainer", config["deployment"]!["storage"]!["type"]!.ToString());
        Assert.Equal("UserAssignedIdentity", config["deployment"]!["storage"]!["authentication"]!["type"]!.ToString());
    }

    [Fact]
    public void Site_Compiled_UsesOnlyItsUserAssignedIdentityAndHttps()
    {
        var (_, site) = Site();
        var properties = site["properties"]!;

        Assert.Equal("UserAssigned", site["identity"]!["type"]!.ToString());
        Assert.Equal("[parameters('identityId')]", properties["keyVaultReferenceIdentity"]?.ToString());
        Assert.True(properties["httpsOnly"]!.GetValue<bool>());
        Assert.Equal("1.2", properties["siteConfig"]!["minTlsVersion"]!.ToString());
        Assert.Equal("Disabled", properties["siteConfig"]!["ftpsState"]!.ToString());
        Assert.Contains("'azd-service-name', parameters('serviceName')", site["tags"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("functions", fixture.Template.Module("functions").Parameters["serviceName"]!["defaultValue"]!.ToString());
    }

    [Fact]
    public void BasicPublishingCredentials_Compiled_AreOff()
    {
        var policies = fixture.Template.Module("functions").AllResourcesOfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        Assert.Equal(2, policies.Count);
        Assert.All(policies, p => Assert.False(p.Resource["properties"]!["allow"]!.GetValue<bool>()));
    }
}
