using System.Text.Json.Nodes;
using ImapAutomation.Core.Catalog;

namespace ImapAutomation.Infra.Tests;

[Collection(CompiledTemplateGroup.Name)]
public sealed class KeyVaultAndOutputsTests(CompiledTemplateFixture fixture)
{
    [Fact]
    public void KeyVault_Compiled_UsesRbacAndSoftDelete()
    {
        var (_, vault) = fixture.Template.AllResourcesOfType("Microsoft.KeyVault/vaults").Single();
        var properties = vault["properties"]!;

        Assert.True(properties["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.True(properties["enableSoftDelete"]!.GetValue<bool>());
        Assert.Null(properties["accessPolicies"]);
        Assert.False(properties["enabledForTemplateDeployment"]!.GetValue<bool>());
    }

    [Fact]
    public void KeyVaultSecrets_Compiled_AreTheCatalogSecretsFromSecureParameters()
    {
        var keyVault = fixture.Template.Module("keyvault");
        var secrets = keyVault.AllResourcesOfType("Microsoft.KeyVault/vaults/secrets").Select(x => x.Resource).ToList();
        var names = secrets
            .Select(s => s["name"]!.ToString().Split("parameters('")[2].Split('\'')[0])
            .Select(p => keyVault.Resolve(JsonValue.Create($"[parameters('{p}')]"))?.ToString())
            .Order(StringComparer.Ordinal);

        Assert.Equal(new[] { SecretNames.RunbookSigningCurrentKey, SecretNames.RunbookSigningPreviousKey, SecretNames.TeamsWorkflowUrl }.Order(StringComparer.Ordinal), names);
        foreach (var secret in secrets)
        {
            // The value comes from a @secure() parameter, and the secret is written only when one is given.
            var value = secret["properties"]!["value"]!.ToString();
            var parameter = value.TrimStart('[').Replace("parameters('", string.Empty, StringComparison.Ordinal).Split('\'')[0];
            Assert.Equal("securestring", keyVault.Parameters[parameter]!["type"]!.ToString());
            Assert.Equal($"[not(empty(parameters('{parameter}')))]", secret["condition"]?.ToString());
        }
    }

    [Fact]
    public void SecureParameters_Compiled_HaveNoDefaultSecret()
    {
        foreach (var template in fixture.Template.All())
        {
            foreach (var (name, parameter) in template.Parameters)
            {
                if (parameter!["type"]!.ToString() == "securestring" && parameter["defaultValue"] is { } defaultValue)
                {
                    Assert.True(defaultValue.ToString().Length == 0, $"{template.DeploymentName}.{name} has a default secret");
                }
            }
        }
    }

    [Fact]
    public void Outputs_Compiled_HoldNoSecretAndNoListCall()
    {
        var template = fixture.Template;

        Assert.NotEmpty(template.Outputs);
        Assert.Empty(TemplateChecks.OutputViolations(template));
    }

    [Fact]
    public void ListKeys_Compiled_OnlyInsideTheActionGroup()
    {
        var template = fixture.Template;
        var (_, actionGroup) = template.AllResourcesOfType("Microsoft.Insights/actionGroups").Single();

        Assert.Contains("listKeys(", ArmTemplate.Text(actionGroup), StringComparison.Ordinal);
        Assert.Empty(TemplateChecks.ListCallViolations(template));
    }

    [Fact]
    public void OutputViolations_InjectedKeyOutput_IsReported()
    {
        var template = fixture.Template;
        var alerts = template.Module("alerts");
        alerts.Outputs["hookKey"] = new JsonObject
        {
            ["type"] = "string",
            ["value"] = "[listKeys(format('{0}/host/default', resourceId('Microsoft.Web/sites', parameters('functionAppName'))), '2024-04-01').functionKeys.default]",
        };

        var violations = TemplateChecks.OutputViolations(template);

        Assert.Contains(violations, v => v.StartsWith("output hookKey of module 'alerts'", StringComparison.Ordinal) && v.EndsWith("calls a list*() function", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("output hookKey of module 'alerts'", StringComparison.Ordinal) && v.EndsWith("its name says it holds a secret", StringComparison.Ordinal));
    }

    [Fact]
    public void OutputViolations_SecureParameterReturned_IsReported()
    {
        var template = fixture.Template;
        template.Outputs["LEAK"] = new JsonObject { ["type"] = "string", ["value"] = "[parameters('runbookSigningKeyCurrent')]" };

        Assert.Contains(TemplateChecks.OutputViolations(template), v => v.EndsWith("returns the secure parameter runbookSigningKeyCurrent", StringComparison.Ordinal));
    }

    [Fact]
    public void ListCallViolations_KeyPassedAsModuleInput_IsReported()
    {
        var template = fixture.Template;
        var alerts = template.ModuleDeployment("alerts");
        alerts["properties"]!["parameters"]!["webhookKey"] = new JsonObject { ["value"] = "[listKeys('x', '2024-04-01').functionKeys.default]" };

        Assert.Contains(TemplateChecks.ListCallViolations(template), v => v.Contains("'alerts'", StringComparison.Ordinal));
    }
}
