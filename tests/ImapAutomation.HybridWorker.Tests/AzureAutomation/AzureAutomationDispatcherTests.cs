using System.Net;
using Azure.Core;
using ImapAutomation.HybridWorker.AzureAutomation;
using ImapAutomation.HybridWorker.Dispatch;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImapAutomation.HybridWorker.Tests.AzureAutomation;

public sealed class AzureAutomationDispatcherTests : IDisposable
{
    private readonly FakeAutomationAccount _account = new();
    private readonly HttpClient _http = new();

    [Fact]
    public async Task DispatchAsync_CompletedJob_PutsByRequestIdPollsAndCollectsOutputAndStreams()
    {
        _account.NextJob = new FakeJobScript
        {
            Output = """{"before":{"thumbprint":null},"after":{"thumbprint":"AB12"},"changed":true,"messages":["bound AB12 to IMAP"]}""",
            Streams = [("Output", "{...}"), ("Warning", "certificate expires in 20 days"), ("Verbose", "Get-ExchangeCertificate on ex01")],
        };
        var dispatch = Dispatch();

        var outcome = await Dispatcher().DispatchAsync(dispatch, CancellationToken.None);

        Assert.Equal(RunbookOutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(dispatch.RequestId.ToString("D"), outcome.JobName);
        Assert.Equal("AB12", (string)outcome.After!["thumbprint"]!);
        Assert.True(outcome.Changed);
        Assert.Equal(["bound AB12 to IMAP"], outcome.Messages);
        Assert.Equal(["certificate expires in 20 days"], outcome.Warnings);
        Assert.Equal(["Get-ExchangeCertificate on ex01"], outcome.Verbose);
        var job = _account.Jobs[dispatch.RequestId.ToString("D")];
        Assert.Equal("Set-ImapCertificate", (string)job.Body["properties"]!["runbook"]!["name"]!);
        Assert.Equal("ImapWorkers", (string)job.Body["properties"]!["runOn"]!);
        // Every parameter is a JSON-serialized string, as Start-AzAutomationRunbook sends them.
        Assert.Equal("\"ex01\"", (string)job.Body["properties"]!["parameters"]!["Server"]!);
        Assert.Equal("\"ex01.contoso.local\"", (string)job.Body["properties"]!["parameters"]!["HostName"]!);
        Assert.Equal("30", (string)job.Body["properties"]!["parameters"]!["MinimumDaysLeft"]!);
        Assert.Contains(_account.Requests, r => r.Contains("page=2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DispatchAsync_FailedJob_ReportsTheException()
    {
        _account.NextJob = new FakeJobScript
        {
            FinalStatus = "Failed", Exception = "The term 'Get-ExchangeCertificate' is not recognized.", Streams = [("Error", "Get-ExchangeCertificate: not recognized")],
        };

        var outcome = await Dispatcher().DispatchAsync(Dispatch(), CancellationToken.None);

        Assert.Equal(RunbookOutcomeStatus.Failed, outcome.Status);
        Assert.Contains("not recognized", outcome.FailureMessage, StringComparison.Ordinal);
        Assert.Equal(["Get-ExchangeCertificate: not recognized"], outcome.Errors);
    }

    [Fact]
    public async Task DispatchAsync_SuspendedJob_SaysWhyItSuspends()
    {
        _account.NextJob = new FakeJobScript { FinalStatus = "Suspended", Exception = "The job was evicted." };

        var outcome = await Dispatcher().DispatchAsync(Dispatch(), CancellationToken.None);

        Assert.Equal(RunbookOutcomeStatus.Failed, outcome.Status);
        Assert.Contains("suspended", outcome.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DispatchAsync_JobPastItsTimeout_StopsItAndReportsTimedOut()
    {
        _account.NextJob = new FakeJobScript { FinalStatus = null };
        var dispatch = Dispatch() with { Timeout = TimeSpan.FromMilliseconds(300) };

        var outcome = await Dispatcher().DispatchAsync(dispatch, CancellationToken.None);

        Assert.Equal(RunbookOutcomeStatus.TimedOut, outcome.Status);
        Assert.True(_account.Jobs[dispatch.RequestId.ToString("D")].Stopped);
        Assert.Contains(_account.Requests, r => r.StartsWith("POST", StringComparison.Ordinal) && r.Contains("/stop?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DispatchAsync_RetriedAfterTheJobWasCreated_FollowsTheSameJob()
    {
        var dispatch = Dispatch();
        await Dispatcher().DispatchAsync(dispatch, CancellationToken.None);

        var again = await Dispatcher().DispatchAsync(dispatch, CancellationToken.None);

        Assert.Equal(RunbookOutcomeStatus.Succeeded, again.Status);
        Assert.Single(_account.Jobs);
    }

    [Fact]
    public async Task DispatchAsync_ArmRefusesTheJob_ReportsFailedWithArmsReason()
    {
        _account.RefuseNextCreate = (HttpStatusCode.BadRequest, "BadRequest", "Runbook Set-ImapCertificate not found in account aa.");

        var outcome = await Dispatcher().DispatchAsync(Dispatch(), CancellationToken.None);

        Assert.Equal(RunbookOutcomeStatus.Failed, outcome.Status);
        Assert.Contains("400 BadRequest: Runbook Set-ImapCertificate not found", outcome.FailureMessage, StringComparison.Ordinal);
        Assert.Empty(_account.Jobs);
    }

    [Fact]
    public async Task DispatchAsync_ArmUnavailable_ThrowsSoTheRequestIsRedelivered()
    {
        _account.RefuseNextCreate = (HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "Try later.");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Dispatcher().DispatchAsync(Dispatch(), CancellationToken.None));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
    }

    [Fact]
    public async Task DispatchAsync_NextLinkToAnotherHost_IsNotFollowed()
    {
        _account.NextJob = new FakeJobScript
        {
            Streams = [("Warning", "a"), ("Warning", "b"), ("Warning", "c")], ForeignNextLink = "https://attacker.example/steal?api-version=2023-11-01",
        };

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Dispatcher().DispatchAsync(Dispatch(), CancellationToken.None));

        Assert.Contains("attacker.example", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DispatchAsync_RunbookNotInCatalog_ThrowsWithoutCallingArm()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Dispatcher().DispatchAsync(Dispatch() with { Runbook = "Remove-Mailbox" }, CancellationToken.None));

        Assert.Empty(_account.Requests);
    }

    [Fact]
    public void Constructor_MissingAccount_ThrowsNamingTheSetting()
    {
        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new AzureAutomationDispatcher(
            _http, new FixedToken(), Options.Create(new AzureAutomationOptions()), TimeProvider.System, NullLogger<AzureAutomationDispatcher>.Instance));

        Assert.Contains("SubscriptionId", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _http.Dispose();
        _account.Dispose();
    }

    private static RunbookDispatch Dispatch() => new(Guid.NewGuid(), "Set-ImapCertificate", "ex01", new Dictionary<string, object?>
    {
        ["HostName"] = "ex01.contoso.local", ["MinimumDaysLeft"] = 30L,
    });

    private AzureAutomationDispatcher Dispatcher() => new(
        _http,
        new FixedToken(),
        Options.Create(new AzureAutomationOptions
        {
            SubscriptionId = "00000000-0000-0000-0000-000000000001", ResourceGroup = "rg-imap", AccountName = "aa-imap",
            HybridWorkerGroup = "ImapWorkers", Endpoint = _account.Endpoint, PollInterval = TimeSpan.FromMilliseconds(50),
        }),
        TimeProvider.System,
        NullLogger<AzureAutomationDispatcher>.Instance);

    private sealed class FixedToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(FakeAutomationAccount.Token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
