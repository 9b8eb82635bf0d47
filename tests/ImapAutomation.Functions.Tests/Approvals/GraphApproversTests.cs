using System.Text.Json.Nodes;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Functions.Approvals;
using ImapAutomation.Functions.Runbooks;
using ImapAutomation.Functions.Tests.Runbooks;
using ImapAutomation.Testing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace ImapAutomation.Functions.Tests.Approvals;

/// <summary>Approvers are the Entra operators' group, asked of a recording Graph endpoint (checkMemberGroups).</summary>
public sealed class GraphApproverHarness : FunctionsHarness
{
    public const string Group = "6f1a2b3c-0000-4000-8000-00000000aaaa";

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("Functions:ApproverSource", "GraphGroup"),
        new("Functions:Servers:2", "exch03.contoso.com"),
        new("Teams:GraphBaseUrl", new Uri(Graph.BaseAddress, "v1.0").AbsoluteUri),
        new("Teams:OperatorsGroupId", Group),
    ];
}

public sealed class GraphApproversTests(GraphApproverHarness harness) : IClassFixture<GraphApproverHarness>
{
    [Theory]
    [InlineData(true, "Remediating")]
    [InlineData(false, "AwaitingApproval")]
    public async Task Trigger_ApproverFromGraphGroupMembership_DecidesWhetherARiskyRunIsApproved(bool member, string state)
    {
        var server = member ? "exch01.contoso.com" : "exch02.contoso.com";
        var upn = member ? "lead@contoso.com" : "dana@contoso.com";
        harness.Graph.Enqueue(new ScriptedResponse(200, $$"""
            {"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)","value":[{{(member ? $"\"{GraphApproverHarness.Group}\"" : "")}}]}
            """));

        var result = await harness.Get<TriggerRunbook>().Run(
            FunctionsHarness.Post($$"""{"server":"{{server}}"}""", "application/json", OperatorHarness.As(upn)), "Disable-ImapNtlm", CancellationToken.None);

        Assert.Equal(202, Assert.IsType<ObjectResult>(result).StatusCode);
        var incident = (await harness.Services.GetRequiredService<IncidentEngine>().GetAsync(server + "/OperatorRequest", CancellationToken.None))!;
        Assert.Equal(state, incident.State.ToString());
        // Kestrel hands the path over decoded: the client sent /users/lead%40contoso.com/checkMemberGroups.
        var request = Assert.Single(harness.Graph.Requests, r => r.PathAndQuery == $"/v1.0/users/{upn}/checkMemberGroups");
        Assert.Equal("POST", request.Method);
        Assert.Equal("Bearer token-for-https://graph.microsoft.com/.default", request.Headers["Authorization"]);
        Assert.Equal(GraphApproverHarness.Group, (string?)JsonNode.Parse(request.Body)!["groupIds"]![0]);
    }

    [Fact]
    public void ApproverCheck_GraphGroupSource_IsTheGraphImplementation() =>
        Assert.Equal("GraphGroupApprovers", harness.Services.GetRequiredService<IApproverCheck>().GetType().Name);

    [Fact]
    public async Task Trigger_FunctionKeyCaller_NeverAskedOfGraphAndNeverApproves()
    {
        var before = harness.Graph.Requests.Count;

        var result = await harness.Get<TriggerRunbook>().Run(
            FunctionsHarness.Post("""{"server":"exch03.contoso.com"}""", "application/json"), "Disable-ImapNtlm", CancellationToken.None);

        Assert.Equal(202, Assert.IsType<ObjectResult>(result).StatusCode);
        Assert.Equal(before, harness.Graph.Requests.Count);
        Assert.Equal(IncidentState.AwaitingApproval, (await harness.Services.GetRequiredService<IncidentEngine>().GetAsync("exch03.contoso.com/OperatorRequest", CancellationToken.None))!.State);
    }
}
