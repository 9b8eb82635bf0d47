using System.Text.Json.Nodes;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Testing;
using YamlDotNet.RepresentationModel;

namespace ImapAutomation.Infra.Tests;

[Collection(CompiledTemplateGroup.Name)]
public sealed class AzdTests(CompiledTemplateFixture fixture)
{
    [Fact]
    public void AzureYaml_Service_PointsAtTheFunctionsProjectAndTheTaggedApp()
    {
        var root = YamlFile.Load("azure.yaml");
        var service = root.Get("services")!.Get("functions")!;

        Assert.Equal("function", service.Scalar("host"));
        Assert.Equal("dotnet", service.Scalar("language"));
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, service.Scalar("project")!, "ImapAutomation.Functions.csproj")));
        Assert.Equal("bicep", root.Get("infra")!.Scalar("provider"));
        Assert.True(File.Exists(RepoPaths.InRoot(root.Get("infra")!.Scalar("path")!, root.Get("infra")!.Scalar("module")! + ".bicep")));

        // azd deploys to the app carrying azd-service-name = the service's key.
        var tagDefault = fixture.Template.Module("functions").Parameters["serviceName"]!["defaultValue"]!.ToString();
        Assert.Equal("functions", tagDefault);
        Assert.Single(((YamlMappingNode)root.Get("services")!).Children);
    }

    [Fact]
    public void ParametersFile_EveryParameter_IsDeclaredAndEveryRequiredOneIsGiven()
    {
        var file = JsonNode.Parse(File.ReadAllText(RepoPaths.InRoot("infra", "main.parameters.json")))!["parameters"]!.AsObject();
        var declared = fixture.Template.Parameters;

        Assert.All(file, p => Assert.True(declared.ContainsKey(p.Key), $"main.parameters.json sets {p.Key}, which main.bicep does not declare"));
        var required = declared.Where(p => p.Value?["defaultValue"] is null).Select(p => p.Key);
        Assert.All(required, name => Assert.True(file.ContainsKey(name), $"required parameter {name} is not in main.parameters.json"));
    }

    [Fact]
    public void ParametersFile_SigningKeys_ComeFromTheVaultOrAreGeneratedNeverLiteral()
    {
        var file = JsonNode.Parse(File.ReadAllText(RepoPaths.InRoot("infra", "main.parameters.json")))!["parameters"]!.AsObject();

        Assert.Equal($"$(secretOrRandomPassword ${{AZURE_KEY_VAULT_NAME}} {SecretNames.RunbookSigningCurrentKey})", file["runbookSigningKeyCurrent"]!["value"]!.ToString());
        Assert.Equal($"$(secretOrRandomPassword ${{AZURE_KEY_VAULT_NAME}} {SecretNames.RunbookSigningPreviousKey})", file["runbookSigningKeyPrevious"]!["value"]!.ToString());
        Assert.False(file.ContainsKey("teamsWorkflowUrl"), "the Teams URL is stored in the vault by the operator, never in azd's .env");
        Assert.Contains(fixture.Template.Outputs, o => o.Key == "AZURE_KEY_VAULT_NAME");
    }
}
