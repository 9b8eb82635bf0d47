using ImapAutomation.Core.Catalog;
using ImapAutomation.Testing;

namespace ImapAutomation.Infra.Tests;

public sealed class DeployDocTests
{
    private static readonly string Doc = File.ReadAllText(RepoPaths.InRoot("docs", "deploy.md"));

    public static TheoryData<string> NamesOperatorsMeet()
    {
        var data = new TheoryData<string>();
        foreach (var name in StorageNames.Queues.Concat(StorageNames.Tables))
        {
            data.Add(name);
        }

        data.Add(SecretNames.RunbookSigningCurrentKey);
        data.Add(SecretNames.RunbookSigningPreviousKey);
        data.Add(SecretNames.TeamsWorkflowUrl);
        data.Add("src/ImapAutomation.HybridWorker/install/Install-HybridWorker.ps1");
        return data;
    }

    [Theory]
    [MemberData(nameof(NamesOperatorsMeet))]
    public void DeployDoc_Name_IsWrittenAsTheTemplateCreatesIt(string name)
    {
        Assert.Contains(name, Doc, StringComparison.Ordinal);
    }

    [Fact]
    public void DeployDoc_EveryAzdSetting_IsOneTheParametersFileReads()
    {
        var parameters = File.ReadAllText(RepoPaths.InRoot("infra", "main.parameters.json"));
        var settings = System.Text.RegularExpressions.Regex.Matches(Doc, @"azd env set ([A-Z_]+)").Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.NotEmpty(settings);
        Assert.All(settings.Where(s => s != "AZURE_KEY_VAULT_NAME"), s => Assert.Contains("${" + s, parameters, StringComparison.Ordinal));
    }
}
