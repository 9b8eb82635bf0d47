using System.Text.Json.Nodes;

namespace ImapAutomation.Infra.Tests;

[Collection(CompiledTemplateGroup.Name)]
public sealed class AlertTests(CompiledTemplateFixture fixture)
{
    private (ArmTemplate Module, IReadOnlyList<JsonObject> Signals, JsonObject Rule) Rules()
    {
        var module = fixture.Template.Module("alerts");
        var (_, rule) = module.AllResourcesOfType("Microsoft.Insights/scheduledQueryRules").Single();
        var signals = module.Variables["signals"]!.AsArray().Select(s => s!.AsObject()).ToList();
        return (module, signals, rule);
    }

    [Fact]
    public void ScheduledQueryRules_Compiled_OnePerSignalEachMappedToAnIncidentKind()
    {
        var (_, signals, rule) = Rules();

        Assert.Equal("[length(variables('signals'))]", rule["copy"]?["count"]?.ToString());
        Assert.Equal(3, signals.Count);
        var kinds = signals.Select(s => Enum.Parse<ImapAutomation.Core.Catalog.IncidentKind>(s["kind"]!.ToString())).ToList();
        Assert.Equal(kinds.Distinct().Count(), kinds.Count);
    }

    [Theory]
    [InlineData("tls-handshake-failure", "Schannel", "36888")]
    [InlineData("imap-certificate-binding", "MSExchangeIMAP4BE", "1102, 2007")]
    [InlineData("imap-connection-limit", "MSExchangeIMAP4BE", "1009, 1101, 1103")]
    public void Signal_Compiled_QueriesItsEventsAndKeepsTheComputerColumn(string name, string source, string eventIds)
    {
        var (_, signals, _) = Rules();
        var query = signals.Single(s => s["name"]!.ToString() == name)["query"]!.ToString();

        Assert.StartsWith("Event\n", query, StringComparison.Ordinal);
        Assert.Contains(source, query, StringComparison.Ordinal);
        Assert.Contains(eventIds, query, StringComparison.Ordinal);
        Assert.Contains("project TimeGenerated, Computer", query, StringComparison.Ordinal);
    }

    [Fact]
    public void ScheduledQueryRule_Compiled_SplitsByComputerAndResolves()
    {
        var (_, _, rule) = Rules();
        var properties = rule["properties"]!;
        var condition = properties["criteria"]!["allOf"]!.AsArray().Single()!;
        var dimension = condition["dimensions"]!.AsArray().Single()!;

        Assert.Equal("Computer", dimension["name"]!.ToString());
        Assert.Equal("Include", dimension["operator"]!.ToString());
        Assert.Equal("*", dimension["values"]!.AsArray().Single()!.ToString());
        Assert.Equal("Count", condition["timeAggregation"]!.ToString());
        Assert.True(properties["autoMitigate"]!.GetValue<bool>());
        Assert.Equal("[parameters('workspaceId')]", properties["scopes"]!.AsArray().Single()!.ToString());
    }

    [Fact]
    public void ActionGroup_Compiled_CallsReceiveAlertWithTheCommonSchema()
    {
        var (module, _, _) = Rules();
        var (_, group) = module.AllResourcesOfType("Microsoft.Insights/actionGroups").Single();
        var hook = group["properties"]!["webhookReceivers"]!.AsArray().Single()!;
        var uri = hook["serviceUri"]!.ToString();

        Assert.True(hook["useCommonAlertSchema"]!.GetValue<bool>());
        Assert.StartsWith("[format('https://{0}/api/alerts?code={1}'", uri, StringComparison.Ordinal);
        Assert.Contains("/host/default", uri, StringComparison.Ordinal);
        Assert.Contains(".functionKeys.default", uri, StringComparison.Ordinal);
    }
}
