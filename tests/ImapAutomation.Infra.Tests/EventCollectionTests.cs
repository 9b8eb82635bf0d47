using System.Globalization;

namespace ImapAutomation.Infra.Tests;

[Collection(CompiledTemplateGroup.Name)]
public sealed class EventCollectionTests(CompiledTemplateFixture fixture)
{
    private static readonly int[] ImapEventIds = [1102, 2007, 1009, 1101, 1103];

    /// <summary>The signals of domain-facts §1, written as the DCR XPath the agent evaluates on each server.</summary>
    public static TheoryData<string> ExpectedQueries()
    {
        var imapIds = string.Join(" or ", ImapEventIds.Select(id => string.Create(CultureInfo.InvariantCulture, $"EventID={id}")));
        return
        [
            "System!*[System[Provider[@Name='Schannel'] and (EventID=36888)]]",
            $"Application!*[System[Provider[@Name='MSExchangeIMAP4'] and ({imapIds})]]",
            $"Application!*[System[Provider[@Name='MSExchangeIMAP4BE'] and ({imapIds})]]",
        ];
    }

    private List<string> CompiledQueries()
    {
        var module = fixture.Template.Module("event-collection");
        var (_, rule) = module.AllResourcesOfType("Microsoft.Insights/dataCollectionRules").Single();
        var source = rule["properties"]!["dataSources"]!["windowsEventLogs"]!.AsArray().Single()!;
        Assert.Equal("Microsoft-Event", source["streams"]!.AsArray().Single()!.ToString());
        return module.Resolve(source["xPathQueries"])!.AsArray().Select(q => q!.ToString()).ToList();
    }

    [Theory]
    [MemberData(nameof(ExpectedQueries))]
    public void DataCollectionRule_Compiled_ContainsXPathQuery(string query)
    {
        Assert.Contains(query, CompiledQueries());
    }

    [Fact]
    public void DataCollectionRule_Compiled_CollectsNothingElse()
    {
        Assert.Equal(ExpectedQueries().Count, CompiledQueries().Count);
    }

    [Fact]
    public void DataCollectionRule_Compiled_SendsTheEventStreamToTheWorkspace()
    {
        var (_, rule) = fixture.Template.Module("event-collection").AllResourcesOfType("Microsoft.Insights/dataCollectionRules").Single();
        var properties = rule["properties"]!;

        Assert.Equal("Windows", rule["kind"]?.ToString());
        var destination = properties["destinations"]!["logAnalytics"]!.AsArray().Single()!;
        Assert.Equal("[parameters('workspaceId')]", destination["workspaceResourceId"]?.ToString());
        var flow = properties["dataFlows"]!.AsArray().Single()!;
        Assert.Equal("Microsoft-Event", flow["streams"]!.AsArray().Single()!.ToString());
        Assert.Equal(destination["name"]!.ToString(), flow["destinations"]!.AsArray().Single()!.ToString());
    }

    [Fact]
    public void Associations_Compiled_OnePerArcMachineInItsOwnResourceGroup()
    {
        var main = fixture.Template;
        var deployment = main.Resources.Single(r => r["name"]?.ToString() == "[format('dcr-association-{0}', copyIndex())]");

        Assert.Equal("[length(variables('arcMachineIds'))]", deployment["copy"]?["count"]?.ToString());
        Assert.Equal("[split(variables('arcMachineIds')[copyIndex()], '/')[2]]", deployment["subscriptionId"]?.ToString());
        Assert.Equal("[split(variables('arcMachineIds')[copyIndex()], '/')[4]]", deployment["resourceGroup"]?.ToString());
        Assert.Equal("[last(split(variables('arcMachineIds')[copyIndex()], '/'))]", deployment["properties"]?["parameters"]?["machineName"]?["value"]?.ToString());
        Assert.Contains("split(parameters('exchangeArcMachineIds'), ',')", main.Variables["arcMachineIds"]?.ToString(), StringComparison.Ordinal);
        var (_, association) = main.AllResourcesOfType("Microsoft.Insights/dataCollectionRuleAssociations").Single();
        Assert.Contains("Microsoft.HybridCompute/machines", association["scope"]!.ToString(), StringComparison.Ordinal);
    }
}
