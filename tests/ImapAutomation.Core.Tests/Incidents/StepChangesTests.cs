using System.Text.Json;
using Azure.Data.Tables;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Tests.Contracts;
using ImapAutomation.Testing;
using static ImapAutomation.Core.Tests.Incidents.EngineHarness;

namespace ImapAutomation.Core.Tests.Incidents;

/// <summary>What a step changed, from the worker's before/after state, kept on the incident row in Azurite within its limits.</summary>
[Collection(AzuriteGroup.Name)]
public sealed class StepChangesTests(AzuriteFixture azurite)
{
    private const string Ex01 = "ex01.contoso.com";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task ApplyResultAsync_ResultWithBeforeAndAfterState_KeepsTheChangedValuesOnTheStep()
    {
        var h = await CreateAsync(azurite);
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.TlsHandshakeFailure), None);
        var request = Assert.Single(await h.DrainQueueAsync());

        await h.Engine.ApplyResultAsync(RunbookContract.Serialize(WithState(request.RequestId,
            """{"Thumbprint":"9B1D","Subject":"CN=imap.contoso.com","Services":["SMTP","IMAP"]}""",
            """{"Thumbprint":"3F2A","Subject":"CN=imap.contoso.com","Services":["SMTP","IMAP","POP"]}""")), None);

        var step = (await h.IncidentAsync(IncidentIds.For(Ex01, IncidentKind.TlsHandshakeFailure))).Plan[0];
        Assert.Equal([new StateChange("Thumbprint", "9B1D", "3F2A"), new StateChange("Services[2]", null, "POP")], step.Changes);
        Assert.Equal(0, step.ChangesOmitted);
    }

    [Fact]
    public async Task ApplyResultAsync_LongestPlanWithHostileStateAtTheContractLimit_IncidentRowStaysWellUnderTableLimits()
    {
        var h = await CreateAsync(azurite);
        string[] plan = [.. Enumerable.Repeat(RunbookNames.GetImapDiagnostics, IncidentStateMachine.MaxPlanSteps - 1), RunbookNames.TestImapTls];
        await h.Engine.IngestAsync(Storm(Ex01, IncidentKind.ImapProxyAuthFailure, plan: plan), None);
        var id = IncidentIds.For(Ex01, IncidentKind.ImapProxyAuthFailure);
        for (var step = 0; step < plan.Length; step++)
        {
            var request = Assert.Single(await h.DrainQueueAsync());
            await h.Engine.ApplyResultAsync(RunbookContract.Serialize(WithState(request.RequestId, HostileState("before", step), HostileState("after", step))), None);
        }

        var row = (await h.Incidents.GetEntityAsync<TableEntity>(Ex01, IncidentStore.IncidentRow(IncidentKind.ImapProxyAuthFailure))).Value;
        var planColumn = row.GetString("Plan");
        var steps = IncidentStore.FromRow(row).Plan;
        Assert.Equal(IncidentStateMachine.MaxPlanSteps, steps.Count);
        Assert.All(steps, s => Assert.InRange(s.Changes!.Count, 1, StateDiff.MaxChanges));
        Assert.All(steps, s => Assert.True(s.ChangesOmitted > 0));
        // A string property holds at most 64 KiB (32 K UTF-16 characters); the whole entity at most 1 MiB.
        Assert.InRange(planColumn.Length * 2, 1, 32 * 1024);
        var entityBytes = row.Sum(p => p.Key.Length * 2 + (p.Value is string s ? s.Length * 2 : 8));
        Assert.InRange(entityBytes, 1, 64 * 1024);
        Assert.Equal(IncidentState.Escalated, (await h.IncidentAsync(id)).State);
    }

    /// <summary>Up to the contract's 8 K characters of JSON: markdown, template functions, escapes, long values, deep nesting.</summary>
    private static string HostileState(string side, int step)
    {
        var state = new Dictionary<string, object>();
        for (var i = 0; state.Count < 200; i++)
        {
            state[$"[p{i}](https://evil.example) <at>x</at>"] = $"{{{{DATE(2026-11-30T00:00:00Z, SHORT)}}}} **{side}{step}-{i}** \u202E<&>";
            if (JsonSerializer.Serialize(state).Length > RunbookResult.MaxStateChars - 200)
            {
                state.Remove($"[p{i}](https://evil.example) <at>x</at>");
                break;
            }
        }

        return JsonSerializer.Serialize(state);
    }

    private static RunbookResult WithState(string requestId, string before, string after) =>
        new RunbookResultSigner(ContractSamples.Ring()).Sign(Unsigned(requestId) with
        {
            BeforeState = JsonDocument.Parse(before).RootElement.Clone(),
            AfterState = JsonDocument.Parse(after).RootElement.Clone(),
        });
}
