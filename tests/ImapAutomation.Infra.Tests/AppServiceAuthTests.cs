using System.Text.Json.Nodes;
using ImapAutomation.Testing;

namespace ImapAutomation.Infra.Tests;

/// <summary>
/// App Service authentication on the Function App: the app trusts the caller identity headers only with it on
/// (WEBSITE_AUTH_ENABLED), so without it nobody can approve.
/// </summary>
[Collection(CompiledTemplateGroup.Name)]
public sealed class AppServiceAuthTests(CompiledTemplateFixture fixture)
{
    private JsonObject AuthSettings() =>
        fixture.Template.Module("functions").AllResourcesOfType("Microsoft.Web/sites/config")
            .Single(x => x.Resource["name"]!.ToString().Contains("'authsettingsV2'", StringComparison.Ordinal)).Resource;

    [Fact]
    public void AuthSettings_ClientIdSet_EntraIdWithTheClientIdAndTenantIssuer()
    {
        var properties = AuthSettings()["properties"]!;
        var entra = properties["identityProviders"]!["azureActiveDirectory"]!;

        Assert.True(properties["platform"]!["enabled"]!.GetValue<bool>());
        Assert.True(entra["enabled"]!.GetValue<bool>());
        Assert.Equal("[parameters('authClientId')]", entra["registration"]!["clientId"]!.ToString());
        var issuer = entra["registration"]!["openIdIssuer"]!.ToString();
        Assert.Contains("environment().authentication.loginEndpoint", issuer, StringComparison.Ordinal);
        Assert.Contains("tenant().tenantId", issuer, StringComparison.Ordinal);
        Assert.Contains("/v2.0", issuer, StringComparison.Ordinal);
        Assert.False(properties["login"]!["tokenStore"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void AuthSettings_Compiled_AnonymousCallersStillPassForFunctionKeysAndLinks()
    {
        var validation = AuthSettings()["properties"]!["globalValidation"]!;

        Assert.False(validation["requireAuthentication"]!.GetValue<bool>());
        Assert.Equal("AllowAnonymous", validation["unauthenticatedClientAction"]!.ToString());
    }

    [Fact]
    public void AuthSettings_ClientIdEmpty_NotCreated()
    {
        Assert.Equal("[not(empty(parameters('authClientId')))]", AuthSettings()["condition"]?.ToString());
        Assert.Equal("", fixture.Template.Parameters["authClientId"]!["defaultValue"]!.ToString());
        Assert.Equal("[parameters('authClientId')]", fixture.Template.ModuleDeployment("functions")["properties"]!["parameters"]!["authClientId"]!["value"]!.ToString());
    }

    [Fact]
    public void ParametersFile_AuthClientId_ComesFromTheAzdEnvironment()
    {
        var file = JsonNode.Parse(File.ReadAllText(RepoPaths.InRoot("infra", "main.parameters.json")))!["parameters"]!.AsObject();

        Assert.Equal("${AUTH_CLIENT_ID}", file["authClientId"]!["value"]!.ToString());
    }
}
