using System.Text.Json;
using ImapAutomation.Core.Approvals;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Functions.Http;
using ImapAutomation.Functions.Incidents;
using ImapAutomation.Functions.Tests.Runbooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Functions.Tests.Http;

/// <summary>App Service authentication off: WEBSITE_AUTH_ENABLED unset, as on an app whose infra never turned it on.</summary>
public class AuthOffHarness : OperatorHarness
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
        base.ExtraSettings.Append(new(CallerReader.AuthEnabledSetting, null));
}

/// <summary>Functions:IdentityHeaders=Trusted, without WEBSITE_AUTH_ENABLED: a local run behind something that sets the headers.</summary>
public sealed class TrustedHeadersHarness : AuthOffHarness
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
        base.ExtraSettings.Append(new("Functions:IdentityHeaders", nameof(IdentityHeaderTrust.Trusted)));
}

/// <summary>The four functions that read the caller, each called on its own fresh server.</summary>
internal static class IdentityCalls
{
    /// <summary>Calls one of the four functions that read the caller on a fresh server; its status, message and whether anything changed.</summary>
    public static async Task<(int Status, string Message, bool Changed)> CallAsync(OperatorHarness harness, string function, string server, (string, string) header)
    {
        var none = CancellationToken.None;
        var id = IncidentIds.For(server, IncidentKind.OperatorRequest);
        switch (function)
        {
            case "Approvals":
                await harness.TriggerAsync(RunbookNames.DisableImapNtlm, $$"""{"server":"{{server}}"}""");
                var waiting = (await harness.Engine.GetAsync(id, none))!;
                var token = harness.Services.GetRequiredService<ApprovalTokens>().Issue(waiting, TimeSpan.FromHours(1));
                var page = Assert.IsType<ContentResult>(await harness.RunApprovalsAsync("POST", token, upn: null, "approve", header));
                return (page.StatusCode!.Value, page.Content!, (await harness.Engine.GetAsync(id, none))!.State != IncidentState.AwaitingApproval);
            case "TriggerRunbook":
                var triggered = await harness.TriggerAsync(RunbookNames.GetImapDiagnostics, $$"""{"server":"{{server}}"}""", header);
                return Outcome(triggered, await harness.Engine.GetAsync(id, none) is not null);
            default:
                await harness.FailedRunAsync(server);
                var request = FunctionsHarness.Post("""{"reason":"checked by hand"}""", "application/json", header);
                var acted = function == "ResolveIncident"
                    ? await harness.Get<IncidentActions>().Resolve(request, server, nameof(IncidentKind.OperatorRequest), none)
                    : await harness.Get<IncidentActions>().Rerun(request, server, nameof(IncidentKind.OperatorRequest), none);
                return Outcome(acted, (await harness.Engine.GetAsync(id, none))!.State != IncidentState.Failed);
        }
    }

    private static (int, string, bool) Outcome(IActionResult result, bool changed)
    {
        var objectResult = Assert.IsAssignableFrom<ObjectResult>(result);
        return (objectResult.StatusCode!.Value, objectResult.Value is ProblemDetails problem ? problem.Detail! : JsonSerializer.Serialize(objectResult.Value), changed);
    }
}

public sealed class CallerReaderAuthOffTests(AuthOffHarness harness) : IClassFixture<AuthOffHarness>
{
    public static TheoryData<string, int, bool> Calls => new()
    {
        { "Approvals", 2, false }, { "TriggerRunbook", 3, false }, { "ResolveIncident", 4, false }, { "RerunIncident", 5, false },
        { "Approvals", 6, true }, { "TriggerRunbook", 7, true }, { "ResolveIncident", 8, true }, { "RerunIncident", 9, true },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Call_IdentityHeadersWithAuthOff_401AndNothingChanged(string function, int server, bool principalHeader)
    {
        var queued = (await harness.PeekRequestsAsync()).Count;
        var header = principalHeader ? OperatorHarness.Principal(OperatorHarness.Approver) : OperatorHarness.As(OperatorHarness.Approver);

        var (status, message, changed) = await IdentityCalls.CallAsync(harness, function, $"exch{server + 1:D2}.contoso.com", header);

        Assert.Equal(401, status);
        Assert.Contains("App Service authentication is off", message, StringComparison.Ordinal);
        Assert.False(changed);
        // Setting up Resolve and Rerun queues one function-key run; the refused call adds nothing.
        Assert.Equal(queued + (function.EndsWith("Incident", StringComparison.Ordinal) ? 1 : 0), (await harness.PeekRequestsAsync()).Count);
    }

    [Fact]
    public async Task TriggerRunbook_NoIdentityHeaderWithAuthOff_FunctionKeyIdentityAsBefore()
    {
        var result = await harness.TriggerAsync(RunbookNames.GetImapDiagnostics, """{"server":"exch01.contoso.com"}""");

        var accepted = JsonSerializer.SerializeToElement(Assert.IsType<ObjectResult>(result).Value);
        Assert.Equal("function-key@imapautomation.invalid", accepted.GetProperty("requestedBy").GetString());
    }
}

public sealed class CallerReaderAuthOnTests(OperatorHarness harness) : IClassFixture<OperatorHarness>
{
    [Theory]
    [InlineData("Approvals", 7, 200)]
    [InlineData("TriggerRunbook", 8, 202)]
    [InlineData("ResolveIncident", 9, 200)]
    [InlineData("RerunIncident", 10, 200)]
    public async Task Call_IdentityHeadersWithAuthEnabledTrue_ActsAsTheApprover(string function, int server, int status) =>
        AssertActs(await IdentityCalls.CallAsync(harness, function, $"exch{server:D2}.contoso.com", OperatorHarness.As(OperatorHarness.Approver)), status);

    internal static void AssertActs((int Status, string Message, bool Changed) outcome, int status)
    {
        Assert.Equal(status, outcome.Status);
        Assert.True(outcome.Changed);
        Assert.Contains(OperatorHarness.Approver, outcome.Message, StringComparison.Ordinal);
    }
}

public sealed class CallerReaderTrustedModeTests(TrustedHeadersHarness harness) : IClassFixture<TrustedHeadersHarness>
{
    [Theory]
    [InlineData("Approvals", 3, 200)]
    [InlineData("TriggerRunbook", 4, 202)]
    [InlineData("ResolveIncident", 5, 200)]
    [InlineData("RerunIncident", 6, 200)]
    public async Task Call_IdentityHeadersWithTrustedAndNoAuthEnabled_ActsAsTheApprover(string function, int server, int status) =>
        CallerReaderAuthOnTests.AssertActs(await IdentityCalls.CallAsync(harness, function, $"exch{server:D2}.contoso.com", OperatorHarness.Principal(OperatorHarness.Approver)), status);
}

public sealed class CallerReaderTests
{
    [Theory]
    [InlineData("True", IdentityHeaderTrust.AppServiceAuthentication, 202)]
    [InlineData("true", IdentityHeaderTrust.AppServiceAuthentication, 202)]
    [InlineData("TRUE", IdentityHeaderTrust.AppServiceAuthentication, 202)]
    [InlineData("False", IdentityHeaderTrust.AppServiceAuthentication, 401)]
    [InlineData("1", IdentityHeaderTrust.AppServiceAuthentication, 401)]
    [InlineData("", IdentityHeaderTrust.AppServiceAuthentication, 401)]
    [InlineData(null, IdentityHeaderTrust.AppServiceAuthentication, 401)]
    [InlineData(null, IdentityHeaderTrust.Trusted, 202)]
    public void Read_IdentityHeader_TrustedOnlyWhenAuthEnabledIsTrueOrTrustedMode(string? authEnabled, IdentityHeaderTrust mode, int expected)
    {
        var logger = new FakeLogger<CallerReader>();
        var reader = new CallerReader(
            new ConfigurationBuilder().AddInMemoryCollection([new(CallerReader.AuthEnabledSetting, authEnabled)]).Build(),
            Options.Create(new FunctionsOptions { IdentityHeaders = mode }), logger);

        var read = reader.Read(FunctionsHarness.Post("{}", "application/json", OperatorHarness.As(OperatorHarness.Approver)), "TriggerRunbook");

        Assert.Equal(expected, read.Caller is { IsPerson: true } ? 202 : read.Status);
        Assert.Equal(expected == 401, logger.Collector.GetSnapshot().Any(r => r.Level == LogLevel.Warning && r.Message.Contains("TriggerRunbook refused", StringComparison.Ordinal)));
    }
}
