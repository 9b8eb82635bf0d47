using System.Text.Json;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Probe;
using ImapAutomation.Testing;
using ImapAutomation.Testing.Dovecot;

namespace ImapAutomation.HybridWorker.Tests.Queue;

/// <summary>The whole worker on Azurite queues with the Exchange lab as Exchange and a real Dovecot as the IMAPS endpoint.</summary>
public sealed class RequestLoopTests(AzuriteFixture azurite, DovecotFixture dovecot) : IClassFixture<AzuriteFixture>, IClassFixture<DovecotFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task SetImapCertificate_BrokenLabServer_FixesItVerifiesAndPostsBeforeAfterThenDeletes()
    {
        await using var worker = new WorkerHarness(azurite);
        ProbeDovecot(worker);
        // Not the default (a real Exchange serves the new certificate only after the restart); the lab's Dovecot already does.
        worker.Settings["HybridWorker:Verification:ProbeAfter:0"] = RunbookNames.SetImapCertificate;
        Assert.Equal("", worker.LabServer("EX01").GetProperty("imapSettings").GetProperty("X509CertificateName").GetString());
        await worker.StartAsync();
        var request = WorkerHarness.NewRequest(RunbookNames.SetImapCertificate);

        await worker.SendAsync(request);
        var result = Assert.Single(await worker.WaitForResultsAsync(1, Patience));

        Assert.Equal(request.RequestId, result.RequestId);
        Assert.True(result.Status == RunbookStatus.Succeeded, result.Error);
        Assert.Equal("", result.BeforeState!.Value.GetProperty("X509CertificateName").GetString());
        Assert.Equal("ex01.contoso.com", result.AfterState!.Value.GetProperty("X509CertificateName").GetString());
        Assert.Single(result.AfterState.Value.GetProperty("ImapCertificates").EnumerateArray());
        Assert.Equal(VerificationOutcome.Passed, result.Verification);
        Assert.Contains("Success", result.VerificationDetail, StringComparison.Ordinal);
        Assert.Contains("Enable-ExchangeCertificate", result.Output, StringComparison.Ordinal);
        Assert.Equal("ex01.contoso.com", worker.LabServer("EX01").GetProperty("imapSettings").GetProperty("X509CertificateName").GetString());
        Assert.Null((await worker.Requests.PeekMessageAsync()).Value);
        Assert.Equal(0, (await worker.Requests.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task SetImapCertificate_WhatIf_ChangesNothingAndSaysWhatWouldChange()
    {
        await using var worker = new WorkerHarness(azurite);
        var stateBefore = File.ReadAllText(worker.LabState);
        await worker.StartAsync();
        var request = WorkerHarness.NewRequest(RunbookNames.SetImapCertificate) with { WhatIf = true };

        await worker.SendAsync(request);
        var result = Assert.Single(await worker.WaitForResultsAsync(1, Patience));

        Assert.True(result.Status == RunbookStatus.Succeeded, result.Error);
        Assert.Equal(VerificationOutcome.NotRun, result.Verification);
        Assert.Contains("would run Set-ImapSettings -X509CertificateName ex01.contoso.com", result.Output, StringComparison.Ordinal);
        Assert.Equal("", result.AfterState!.Value.GetProperty("X509CertificateName").GetString());
        Assert.Equal(stateBefore, File.ReadAllText(worker.LabState));
        Assert.Equal(0, (await worker.Requests.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task TwoRequestsForOneServer_ArrivingTogether_RunOneAfterTheOther()
    {
        await using var worker = new WorkerHarness(azurite);
        worker.UseScript(RunbookNames.RestartImapServices, "Restart-Slowly.ps1");
        await worker.StartAsync();
        var first = WorkerHarness.NewRequest(RunbookNames.RestartImapServices, step: 1);
        var second = WorkerHarness.NewRequest(RunbookNames.RestartImapServices, step: 2);

        await Task.WhenAll(worker.SendAsync(first), worker.SendAsync(second));
        var results = await worker.WaitForResultsAsync(2, Patience);

        Assert.All(results, r => Assert.True(r.Status == RunbookStatus.Succeeded, r.Error));
        Assert.Equal(new[] { first.RequestId, second.RequestId }.Order(StringComparer.Ordinal), results.Select(r => r.RequestId).Order(StringComparer.Ordinal));
        // The runbooks' own clocks: one ended before the other started.
        var runs = results.Select(r => (Start: DateTimeOffset.Parse(r.BeforeState!.Value.GetProperty("start").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                End: DateTimeOffset.Parse(r.AfterState!.Value.GetProperty("end").GetString()!, System.Globalization.CultureInfo.InvariantCulture)))
            .OrderBy(r => r.Start).ToList();
        Assert.True(runs[0].End <= runs[1].Start, $"runs overlapped: {runs[0]} and {runs[1]}");
    }

    [Fact]
    public async Task RunbookLongerThanTheVisibilityTimeout_MessageIsRenewedAndDeliveredOnce()
    {
        await using var worker = new WorkerHarness(azurite);
        worker.UseShortVisibility(RunbookNames.RestartImapServices, "Restart-Long.ps1");
        await worker.StartAsync();

        await worker.SendAsync(WorkerHarness.NewRequest(RunbookNames.RestartImapServices));
        var result = Assert.Single(await worker.WaitForResultsAsync(1, Patience));

        Assert.True(result.Status == RunbookStatus.Succeeded, result.Error);
        Assert.DoesNotContain("[replayed", result.Output, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Null((await worker.Results.PeekMessageAsync()).Value);
        Assert.Null((await worker.Requests.PeekMessageAsync()).Value);
    }

    [Fact]
    public async Task HangingRunbook_PastItsTimeout_IsStoppedAndReportedTimedOut()
    {
        await using var worker = new WorkerHarness(azurite);
        worker.UseScript(RunbookNames.RestartImapServices, "Restart-Hanging.ps1");
        worker.Settings["HybridWorker:PowerShell:DefaultTimeout"] = "00:00:03";
        await worker.StartAsync();
        var request = WorkerHarness.NewRequest(RunbookNames.RestartImapServices);

        await worker.SendAsync(request);
        var result = Assert.Single(await worker.WaitForResultsAsync(1, Patience));

        Assert.Equal(RunbookStatus.TimedOut, result.Status);
        Assert.Contains("timeout", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await worker.Requests.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task TestImapTls_Request_IsTheProbeAgainstTheTarget()
    {
        await using var worker = new WorkerHarness(azurite);
        ProbeDovecot(worker);
        await worker.StartAsync();

        await worker.SendAsync(WorkerHarness.NewRequest(RunbookNames.TestImapTls));
        var result = Assert.Single(await worker.WaitForResultsAsync(1, Patience));

        Assert.True(result.Status == RunbookStatus.Succeeded, result.Error);
        Assert.Equal(VerificationOutcome.Passed, result.Verification);
        Assert.Contains("\"outcome\":\"Success\"", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetImapCertificate_EndpointStillBroken_ReportsVerificationFailed()
    {
        await using var worker = new WorkerHarness(azurite);
        // Verification pointed at port 1 on loopback, where nothing listens: the change ran but the handshake fails.
        worker.Settings["HybridWorker:Verification:Hosts:ex01"] = "127.0.0.1";
        worker.Settings["HybridWorker:Verification:ProbeAfter:0"] = RunbookNames.SetImapCertificate;
        await worker.StartAsync();

        await worker.SendAsync(WorkerHarness.NewRequest(RunbookNames.SetImapCertificate));
        var result = Assert.Single(await worker.WaitForResultsAsync(1, Patience));

        Assert.Equal(RunbookStatus.Succeeded, result.Status);
        Assert.Equal(VerificationOutcome.Failed, result.Verification);
        Assert.Contains(nameof(ImapTlsOutcome.Refused), result.VerificationDetail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetImapCertificateThenRestart_DefaultProbeAfter_OnlyTheRestartIsVerified()
    {
        await using var worker = new WorkerHarness(azurite);
        ProbeDovecot(worker);
        await worker.StartAsync();

        await worker.SendAsync(WorkerHarness.NewRequest(RunbookNames.SetImapCertificate));
        var set = Assert.Single(await worker.WaitForResultsAsync(1, Patience));
        await worker.SendAsync(WorkerHarness.NewRequest(RunbookNames.RestartImapServices, parameters: new() { ["Force"] = JsonDocument.Parse("true").RootElement.Clone() }, step: 2));
        var restart = Assert.Single(await worker.WaitForResultsAsync(1, Patience));

        Assert.True(set.Status == RunbookStatus.Succeeded, set.Error);
        Assert.Equal(VerificationOutcome.NotRun, set.Verification);
        Assert.True(restart.Status == RunbookStatus.Succeeded, restart.Error);
        Assert.Equal(VerificationOutcome.Passed, restart.Verification);
        Assert.Contains("Success", restart.VerificationDetail, StringComparison.Ordinal);
    }

    private void ProbeDovecot(WorkerHarness worker)
    {
        worker.Settings["HybridWorker:Verification:Port"] = dovecot.Server.ImapsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        worker.Settings["HybridWorker:Verification:Trust"] = nameof(ImapTlsTrust.PinnedCa);
        worker.Settings["HybridWorker:Verification:PinnedCaFile"] = dovecot.Server.CaCertificatePath;
        worker.Settings["HybridWorker:Verification:Hosts:ex01"] = "localhost";
    }
}
