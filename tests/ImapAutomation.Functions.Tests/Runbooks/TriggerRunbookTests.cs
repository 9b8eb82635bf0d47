using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Functions.Http;
using ImapAutomation.Functions.Ingest;
using ImapAutomation.Functions.Runbooks;
using ImapAutomation.Functions.Tests.Ingest;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace ImapAutomation.Functions.Tests.Runbooks;

/// <summary>One approver by list; servers enough for each test to have its own.</summary>
public class OperatorHarness : FunctionsHarness
{
    public const string Approver = "lead@contoso.com";
    public const string Operator = "dana@contoso.com";

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
        Enumerable.Range(2, 8).Select(i => new KeyValuePair<string, string?>($"Functions:Servers:{i}", $"exch{i + 1:D2}.contoso.com"))
            .Append(new("Functions:Approvers:0", Approver));

    public IncidentEngine Engine => Services.GetRequiredService<IncidentEngine>();

    public async Task<List<RunbookRequest>> PeekRequestsAsync()
    {
        var queue = Services.GetRequiredService<QueueServiceClient>().GetQueueClient(StorageNames.RequestsQueue);
        var messages = (await queue.PeekMessagesAsync(32)).Value;
        return [.. messages.Select(m => RunbookContract.ParseRequest(m.MessageText).Value!)];
    }

    public static (string, string) As(string upn) => (CallerIdentity.PrincipalNameHeader, upn);

    /// <summary>The Easy Auth principal header alone (no -NAME header), as Entra ID sign-in sends it.</summary>
    public static (string, string) Principal(string upn) => (CallerIdentity.PrincipalHeader, Convert.ToBase64String(Encoding.UTF8.GetBytes(
        $$"""{"auth_typ":"aad","claims":[{"typ":"name","val":"Dana"},{"typ":"preferred_username","val":"{{upn}}"}],"name_typ":"preferred_username","role_typ":"roles"}""")));

    public Task<IActionResult> TriggerAsync(string runbook, string body, params (string, string)[] headers) =>
        Get<TriggerRunbook>().Run(Post(body, "application/json", headers), runbook, CancellationToken.None);

    /// <summary>A function-key run of Restart-ImapServices on the server whose result came back Failed; its incident id.</summary>
    public async Task<string> FailedRunAsync(string server)
    {
        await TriggerAsync(RunbookNames.RestartImapServices, $$"""{"server":"{{server}}"}""");
        var id = IncidentIds.For(server, IncidentKind.OperatorRequest);
        var requestId = (await Engine.GetAsync(id, CancellationToken.None))!.Plan[0].RequestId!;
        await Engine.ApplyResultAsync(SignedAsTheWorker(new RunbookResult
        {
            SchemaVersion = RunbookResult.CurrentSchemaVersion,
            RequestId = requestId,
            Status = RunbookStatus.Failed,
            StartedAt = DateTimeOffset.UtcNow,
            CompletedAt = DateTimeOffset.UtcNow,
            Error = "MSExchangeIMAP4 did not start",
        }), CancellationToken.None);
        Assert.Equal(IncidentState.Failed, (await Engine.GetAsync(id, CancellationToken.None))!.State);
        return id;
    }
}

public sealed class TriggerRunbookTests(OperatorHarness harness) : IClassFixture<OperatorHarness>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Run_ApproverTriggersRiskyRunbook_202AndQueuedAtOnceWithApprovedBy()
    {
        var result = await harness.TriggerAsync(RunbookNames.SetStoreSessionLimits,
            """{"server":"EXCH03.contoso.com","parameters":{"MaximumAllowedSessionsPerUser":128},"whatIf":true}""", OperatorHarness.As(OperatorHarness.Approver));

        var accepted = Accepted(result);
        Assert.Equal("exch03.contoso.com/OperatorRequest", accepted.GetProperty("incidentId").GetString());
        Assert.Equal("Remediating", accepted.GetProperty("state").GetString());
        var request = Assert.Single(await harness.PeekRequestsAsync(), r => r.RequestId == accepted.GetProperty("requestId").GetString());
        Assert.Equal((OperatorHarness.Approver, OperatorHarness.Approver, true), (request.RequestedBy, request.ApprovedBy, request.WhatIf));
        Assert.Equal(128, request.Parameters["MaximumAllowedSessionsPerUser"].GetInt64());
        Assert.Equal("exch03.contoso.com", request.TargetServer);
    }

    [Fact]
    public async Task Run_NonApproverTriggersRiskyRunbook_AwaitsApprovalAndNothingQueuedUntilApproved()
    {
        var before = (await harness.PeekRequestsAsync()).Count;

        var result = await harness.TriggerAsync(RunbookNames.DisableImapNtlm, """{"server":"exch04.contoso.com"}""", OperatorHarness.Principal(OperatorHarness.Operator));

        var accepted = Accepted(result);
        Assert.Equal("AwaitingApproval", accepted.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, accepted.GetProperty("requestId").ValueKind);
        Assert.Equal(OperatorHarness.Operator, accepted.GetProperty("requestedBy").GetString());
        Assert.Equal(before, (await harness.PeekRequestsAsync()).Count);

        var approved = await harness.Engine.ApproveAsync("exch04.contoso.com/OperatorRequest", OperatorHarness.Approver, None);

        var request = Assert.Single(await harness.PeekRequestsAsync(), r => r.RequestId == Assert.Single(approved.QueuedRequestIds));
        Assert.Equal((OperatorHarness.Operator, OperatorHarness.Approver), (request.RequestedBy, request.ApprovedBy));
    }

    [Fact]
    public async Task Run_FunctionKeyWithoutPrincipal_RequestedByTheKeyIdentityAndNeverAnApprover()
    {
        var result = await harness.TriggerAsync(RunbookNames.SetImapThrottlingPolicy, """{"server":"exch05.contoso.com"}""");

        var accepted = Accepted(result);
        Assert.Equal("function-key@imapautomation.invalid", accepted.GetProperty("requestedBy").GetString());
        Assert.Equal("AwaitingApproval", accepted.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Run_RetriedWithTheSameIdempotencyKey_OneRequestAndTheSameAnswer()
    {
        var key = ("Idempotency-Key", "9b2f7a1e-4c0d-4e57-a3f1-6d1c2b3a4f5e");
        var body = """{"server":"exch06.contoso.com","parameters":{"Port":993}}""";

        var first = Accepted(await harness.TriggerAsync(RunbookNames.TestImapTls, body, OperatorHarness.As(OperatorHarness.Operator), key));
        var retry = Accepted(await harness.TriggerAsync(RunbookNames.TestImapTls, body, OperatorHarness.As(OperatorHarness.Operator), key));

        Assert.False(first.GetProperty("duplicate").GetBoolean());
        Assert.True(retry.GetProperty("duplicate").GetBoolean());
        Assert.Equal(first.GetProperty("requestId").GetString(), retry.GetProperty("requestId").GetString());
        Assert.Single(await harness.PeekRequestsAsync(), r => r.TargetServer == "exch06.contoso.com");
    }

    [Theory]
    [InlineData("Invoke-Expression", """{"server":"exch07.contoso.com"}""", "application/json", 404, "not a catalog runbook")]
    [InlineData("Get-ImapDiagnostics", """{"server":"exch99.contoso.com"}""", "application/json", 400, "Functions:Servers")]
    [InlineData("Get-ImapDiagnostics", """{"server":"ex01; Remove-Item C:\\ -Recurse"}""", "application/json", 400, "Functions:Servers")]
    [InlineData("Test-ImapTls", """{"server":"exch07.contoso.com","parameters":{"ExpectedHostName":"ex01; Remove-Item C:\\ -Recurse"}}""", "application/json", 400, "must be a DNS host name")]
    [InlineData("Test-ImapTls", """{"server":"exch07.contoso.com","parameters":{"Port":"993; Stop-Computer"}}""", "application/json", 400, "must be an integer")]
    [InlineData("Get-ImapDiagnostics", """{"server":"exch07.contoso.com","parameters":{"Command":"Remove-Item"}}""", "application/json", 400, "is not a parameter")]
    [InlineData("Get-ImapDiagnostics", """{"server":"exch07.contoso.com","script":"Remove-Item"}""", "application/json", 400, "is not a property")]
    [InlineData("Get-ImapDiagnostics", """{"server":"exch07.contoso.com","whatIf":"yes"}""", "application/json", 400, "whatIf")]
    [InlineData("Get-ImapDiagnostics", """{"server":""", "application/json", 400, "not JSON")]
    [InlineData("Get-ImapDiagnostics", """["exch07.contoso.com"]""", "application/json", 400, "JSON object")]
    [InlineData("Get-ImapDiagnostics", """server=exch07.contoso.com""", "application/x-www-form-urlencoded", 415, "Content-Type")]
    public async Task Run_BadInput_4xxWithReasonAndNothingQueued(string runbook, string body, string contentType, int status, string reason)
    {
        var before = (await harness.PeekRequestsAsync()).Count;

        var result = await harness.Get<TriggerRunbook>().Run(
            FunctionsHarness.Post(body, contentType, OperatorHarness.As(OperatorHarness.Approver)), runbook, None);

        AssertProblem(result, status, reason);
        Assert.Equal(before, (await harness.PeekRequestsAsync()).Count);
        Assert.Null(await harness.Engine.GetAsync("exch07.contoso.com/OperatorRequest", None));
    }

    [Fact]
    public async Task Run_OversizedBody_413()
    {
        var body = """{"server":"exch07.contoso.com","parameters":{"Identity":"PADDING"}}""".Replace("PADDING", new string('a', 20_000), StringComparison.Ordinal);

        AssertProblem(await harness.TriggerAsync(RunbookNames.SetImapThrottlingPolicy, body, OperatorHarness.As(OperatorHarness.Approver)), 413, "at most");
        Assert.Null(await harness.Engine.GetAsync("exch07.contoso.com/OperatorRequest", None));
    }

    [Theory]
    [InlineData("X-MS-CLIENT-PRINCIPAL-NAME", "dana; Remove-Item", "not a user principal name")]
    [InlineData("X-MS-CLIENT-PRINCIPAL", "not base64!", "not base64-encoded JSON")]
    [InlineData("Idempotency-Key", "a key with spaces", "Idempotency-Key")]
    public async Task Run_BadHeader_400AndNothingQueued(string header, string value, string reason)
    {
        AssertProblem(await harness.TriggerAsync(RunbookNames.GetImapDiagnostics, """{"server":"exch07.contoso.com"}""", (header, value)), 400, reason);
        Assert.Null(await harness.Engine.GetAsync("exch07.contoso.com/OperatorRequest", None));
    }

    [Fact]
    public async Task Run_ServerBusyWithAnIncident_409AndNothingQueued()
    {
        var events = ReceiveEventsTests.Event("exch08.contoso.com", "MSExchangeIMAP4", 1009, "<Data>x</Data>");
        await harness.Get<ReceiveEvents>().Run(FunctionsHarness.Post(events, "application/xml"), None);
        Assert.Equal(IncidentState.Remediating, (await harness.Engine.GetAsync("exch08.contoso.com/ImapConnectionLimit", None))!.State);
        var before = (await harness.PeekRequestsAsync()).Count;

        var result = await harness.TriggerAsync(RunbookNames.RestartImapServices, """{"server":"exch08.contoso.com"}""", OperatorHarness.As(OperatorHarness.Approver));

        AssertProblem(result, 409, "server busy with exch08.contoso.com/ImapConnectionLimit");
        Assert.Equal(before, (await harness.PeekRequestsAsync()).Count);
    }

    private static JsonElement Accepted(IActionResult result)
    {
        var accepted = Assert.IsType<ObjectResult>(result);
        Assert.Equal(202, accepted.StatusCode);
        return JsonSerializer.SerializeToElement(accepted.Value);
    }

    private static void AssertProblem(IActionResult result, int status, string reason)
    {
        var problem = Assert.IsType<ProblemDetails>(Assert.IsType<ObjectResult>(result).Value);
        Assert.Equal(status, problem.Status);
        Assert.Contains(reason, problem.Detail, StringComparison.Ordinal);
    }
}
