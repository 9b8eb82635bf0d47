using System.Text;
using ImapAutomation.Core.Approvals;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Functions.Ingest;
using ImapAutomation.Functions.Tests.Ingest;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace ImapAutomation.Functions.Tests.Approvals;

/// <summary>Every step needs approval here, so an incident waits for an operator as soon as it opens.</summary>
public sealed class ApprovalHarness : FunctionsHarness
{
    public const string Approver = "oncall@contoso.com";

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("Policy:ApprovalRequired:Get-ImapDiagnostics", "true"),
        new("Functions:Approvers:0", Approver),
        new("Functions:Servers:2", "exch03.contoso.com"),
        new("Functions:Servers:3", "exch04.contoso.com"),
    ];

    /// <summary>Opens a connection-limit incident on the server, which waits for approval here, and issues its link.</summary>
    public async Task<(Incident Incident, string Token)> AwaitingApprovalAsync(string server, int eventId = 1009)
    {
        var body = ReceiveEventsTests.Event(server, "MSExchangeIMAP4", eventId, "<Data>x</Data>");
        await Get<ReceiveEvents>().Run(FunctionsHarness.Post(body, "application/xml"), CancellationToken.None);
        var incident = (await Services.GetRequiredService<IncidentEngine>().GetAsync(server + "/ImapConnectionLimit", CancellationToken.None))!;
        Assert.Equal(IncidentState.AwaitingApproval, incident.State);
        return (incident, Services.GetRequiredService<ApprovalTokens>().Issue(incident, TimeSpan.FromHours(1)));
    }
}

public sealed class ApprovalsTests(ApprovalHarness harness) : IClassFixture<ApprovalHarness>
{
    [Fact]
    public async Task Get_ValidLink_ShowsAConfirmationPageAndChangesNothing()
    {
        var (incident, token) = await harness.AwaitingApprovalAsync("exch01.contoso.com");

        var page = Assert.IsType<ContentResult>(await Run("GET", token));

        Assert.Equal(200, page.StatusCode);
        Assert.Contains("id=\"approve\"", page.Content, StringComparison.Ordinal);
        Assert.Equal(IncidentState.AwaitingApproval, (await Engine.GetAsync(incident.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Post_ApproverApproves_MovesTheIncidentOnAndTheLinkIsSpent()
    {
        var (incident, token) = await harness.AwaitingApprovalAsync("exch02.contoso.com");

        var approved = Assert.IsType<ContentResult>(await Run("POST", token, ApprovalHarness.Approver, "approve"));
        var replayed = Assert.IsType<ContentResult>(await Run("POST", token, ApprovalHarness.Approver, "approve"));

        Assert.Equal(200, approved.StatusCode);
        Assert.Equal(IncidentState.Remediating, (await Engine.GetAsync(incident.Id, CancellationToken.None))!.State);
        Assert.Equal(409, replayed.StatusCode);
    }

    [Fact]
    public async Task Post_NotAnApprover_Is403AndChangesNothing()
    {
        var (incident, token) = await harness.AwaitingApprovalAsync("exch03.contoso.com", eventId: 1101);

        var result = Assert.IsType<ContentResult>(await Run("POST", token, "intruder@contoso.com", "approve"));

        Assert.Equal(403, result.StatusCode);
        Assert.Equal(IncidentState.AwaitingApproval, (await Engine.GetAsync(incident.Id, CancellationToken.None))!.State);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("eyJpbmMiOiJ4In0.AAAA")]
    public async Task Get_ForgedOrMalformedLink_Is400WithoutSayingMore(string token)
    {
        var result = Assert.IsType<ContentResult>(await Run("GET", token));

        Assert.Equal(400, result.StatusCode);
    }

    [Fact]
    public async Task Get_TamperedLink_Is400()
    {
        var (_, token) = await harness.AwaitingApprovalAsync("exch04.contoso.com", eventId: 1103);
        var payload = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(0, token.IndexOf('.', StringComparison.Ordinal))));
        var forged = System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.Replace("\"step\":0", "\"step\":1", StringComparison.Ordinal))) + token[token.IndexOf('.', StringComparison.Ordinal)..];

        var result = Assert.IsType<ContentResult>(await Run("GET", forged));

        Assert.Equal(400, result.StatusCode);
        Assert.Contains("not signed by this deployment", result.Content, StringComparison.Ordinal);
    }

    private IncidentEngine Engine => harness.Services.GetRequiredService<IncidentEngine>();

    private Task<IActionResult> Run(string method, string token, string? upn = null, string? decision = null) =>
        harness.RunApprovalsAsync(method, token, upn, decision);
}
