using System.Text.Json;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Functions.Incidents;
using ImapAutomation.Functions.Tests.Runbooks;
using Microsoft.AspNetCore.Mvc;

namespace ImapAutomation.Functions.Tests.Incidents;

public sealed class IncidentActionsTests(OperatorHarness harness) : IClassFixture<OperatorHarness>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Rerun_FailedIncidentByAnApprover_FreshAttemptQueuedAndRecorded()
    {
        var id = await harness.FailedRunAsync("exch03.contoso.com");

        var result = await harness.Get<IncidentActions>().Rerun(
            FunctionsHarness.Post("""{"reason":"service account unlocked"}""", "application/json", OperatorHarness.As(OperatorHarness.Approver)),
            "exch03.contoso.com", "OperatorRequest", None);

        var body = JsonSerializer.SerializeToElement(Assert.IsType<OkObjectResult>(result).Value);
        Assert.Equal("Remediating", body.GetProperty("state").GetString());
        Assert.Equal(2, body.GetProperty("attempt").GetInt32());
        // Sent now, visible on the queue only after the cooldown since the first attempt.
        Assert.Equal(RunbookRequestIds.For(id, 1, 0, 2), body.GetProperty("queued")[0].GetString());
        var incident = (await harness.Engine.GetAsync(id, None))!;
        Assert.Equal((OperatorHarness.Approver, RunbookRequestIds.For(id, 1, 0, 2)), (incident.ApprovedBy, incident.Plan[0].RequestId));
        Assert.Contains(await harness.Engine.GetTimelineAsync(id, None), e => e.Actor == OperatorHarness.Approver && e.What == "rerun" && e.Detail!.EndsWith("service account unlocked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resolve_FailedIncidentByAnApprover_ClosedWithWhoAndWhy()
    {
        var id = await harness.FailedRunAsync("exch04.contoso.com");

        var result = await harness.Get<IncidentActions>().Resolve(
            FunctionsHarness.Post("""{"reason":"restarted by hand"}""", "application/json", OperatorHarness.Principal(OperatorHarness.Approver)),
            "exch04.contoso.com", "OperatorRequest", None);

        Assert.IsType<OkObjectResult>(result);
        var incident = (await harness.Engine.GetAsync(id, None))!;
        Assert.Equal(IncidentState.Resolved, incident.State);
        Assert.Equal("resolved by lead@contoso.com: restarted by hand", incident.StateReason);
    }

    [Theory]
    [InlineData(null, """{"reason":"x"}""", 401, "function key")]
    [InlineData(OperatorHarness.Operator, """{"reason":"x"}""", 403, "not an approver")]
    [InlineData(OperatorHarness.Approver, """{"why":"x"}""", 400, "reason")]
    [InlineData(OperatorHarness.Approver, """{"reason":"line\nbreak"}""", 400, "printable")]
    public async Task Rerun_NotAllowedOrNoReason_4xxAndNothingChanged(string? caller, string body, int status, string reason)
    {
        var id = await harness.FailedRunAsync("exch05.contoso.com");
        var headers = caller is null ? [] : new[] { OperatorHarness.As(caller) };

        var result = await harness.Get<IncidentActions>().Rerun(FunctionsHarness.Post(body, "application/json", headers), "exch05.contoso.com", "OperatorRequest", None);

        var problem = Assert.IsType<ProblemDetails>(Assert.IsType<ObjectResult>(result).Value);
        Assert.Equal(status, problem.Status);
        Assert.Contains(reason, problem.Detail, StringComparison.Ordinal);
        Assert.Equal(IncidentState.Failed, (await harness.Engine.GetAsync(id, None))!.State);
    }

    [Fact]
    public async Task Resolve_WhileARequestIsOut_409()
    {
        await harness.TriggerAsync(RunbookNames.GetImapDiagnostics, """{"server":"exch06.contoso.com"}""", OperatorHarness.As(OperatorHarness.Approver));

        var result = await harness.Get<IncidentActions>().Resolve(
            FunctionsHarness.Post("""{"reason":"done"}""", "application/json", OperatorHarness.As(OperatorHarness.Approver)), "exch06.contoso.com", "OperatorRequest", None);

        Assert.Equal(409, Assert.IsType<ObjectResult>(result).StatusCode);
    }

    [Theory]
    [InlineData("exch09.contoso.com", "OperatorRequest", 404)]
    [InlineData("exch09.contoso.com", "NoSuchKind", 404)]
    [InlineData("ex01;rm", "OperatorRequest", 404)]
    public async Task Resolve_UnknownIncident_404(string server, string kind, int status)
    {
        var result = await harness.Get<IncidentActions>().Resolve(
            FunctionsHarness.Post("""{"reason":"done"}""", "application/json", OperatorHarness.As(OperatorHarness.Approver)), server, kind, None);

        Assert.Equal(status, Assert.IsType<ObjectResult>(result).StatusCode);
    }
}
