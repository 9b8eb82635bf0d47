using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.HybridWorker.Ledger;
using ImapAutomation.HybridWorker.Queue;
using ImapAutomation.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ImapAutomation.HybridWorker.Tests.Queue;

/// <summary>Bad input, one test per kind, on Azurite queues: nothing runs, the lab is untouched, and the message is answered or poisoned.</summary>
#pragma warning disable CA1001 // The harness is disposed by IAsyncLifetime.DisposeAsync, which xUnit calls.
public sealed class RequestProcessorTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
#pragma warning restore CA1001
    private readonly WorkerHarness _worker = new(azurite);
    private string _labBefore = "";

    public async Task InitializeAsync()
    {
        _worker.Settings["HybridWorker:Queue:MaxDequeueCount"] = "1";
        _labBefore = File.ReadAllText(_worker.LabState);
        await _worker.StartAsync(runLoop: false);
    }

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task ProcessAsync_NotBase64NorJson_MovesItToThePoisonQueueWithoutAnswer()
    {
        await _worker.Requests.SendMessageAsync("%%% neither base64 nor JSON %%%");

        Assert.Equal(MessageDisposition.MovedToPoison, await _worker.ProcessNextAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal("%%% neither base64 nor JSON %%%", (await _worker.Poison.ReceiveMessageAsync()).Value.MessageText);
        await AssertNothingRanNorAnsweredAsync();
    }

    [Fact]
    public async Task ProcessAsync_Base64OfNonJson_MovesItToThePoisonQueue()
    {
        await _worker.Requests.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes("Set-ImapCertificate -Server ex01")));

        Assert.Equal(MessageDisposition.MovedToPoison, await _worker.ProcessNextAsync(TimeSpan.FromSeconds(30)));

        await AssertNothingRanNorAnsweredAsync();
    }

    [Fact]
    public async Task ProcessAsync_JsonWithoutRequestId_MovesItToThePoisonQueue()
    {
        await _worker.Requests.SendMessageAsync("""{"schemaVersion":1,"runbook":"Set-ImapCertificate","targetServer":"ex01"}""");

        Assert.Equal(MessageDisposition.MovedToPoison, await _worker.ProcessNextAsync(TimeSpan.FromSeconds(30)));

        await AssertNothingRanNorAnsweredAsync();
    }

    [Fact]
    public async Task ProcessAsync_UnreadableBeforeItsLastDelivery_LeavesItInTheQueue()
    {
        await using var worker = new WorkerHarness(azurite);
        await worker.StartAsync(runLoop: false);
        await worker.Requests.SendMessageAsync("not json");

        Assert.Equal(MessageDisposition.LeftForRetry, await worker.ProcessNextAsync(TimeSpan.FromSeconds(1)));

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var again = (await worker.Requests.ReceiveMessageAsync()).Value;
        Assert.Equal("not json", again.MessageText);
        Assert.Equal(2, again.DequeueCount);
        Assert.Null((await worker.Poison.PeekMessageAsync()).Value);
    }

    [Fact]
    public async Task ProcessAsync_SignedBase64Request_IsReadLikePlainJson()
    {
        var request = _worker.Signer.Sign(WorkerHarness.NewRequest(RunbookNames.SetImapCertificate, server: "ex03"));
        await _worker.Requests.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(RunbookContract.Serialize(request))));

        // ex03 is not allowed: the point is that the base64 body was read far enough to be answered.
        Assert.Equal(MessageDisposition.Rejected, await _worker.ProcessNextAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("TargetNotAllowed", (await SingleRejectionAsync(request.RequestId)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProcessAsync_UnknownSchemaVersion_IsRejected()
    {
        var request = _worker.Signer.Sign(WorkerHarness.NewRequest(RunbookNames.SetImapCertificate));
        var json = RunbookContract.Serialize(request).Replace("\"schemaVersion\":1", "\"schemaVersion\":2", StringComparison.Ordinal);

        await AssertRejectedAsync(json, request.RequestId, "UnsupportedSchema");
    }

    [Fact]
    public async Task ProcessAsync_ForgedSignature_IsRejected()
    {
        var signed = _worker.Signer.Sign(WorkerHarness.NewRequest(RunbookNames.SetImapCertificate, server: "ex01"));
        var altered = signed with { TargetServer = "ex02" };

        await AssertRejectedAsync(RunbookContract.Serialize(altered), signed.RequestId, "BadSignature");
    }

    [Fact]
    public async Task ProcessAsync_MissingSignature_IsRejected()
    {
        var unsigned = WorkerHarness.NewRequest(RunbookNames.SetImapCertificate);

        await AssertRejectedAsync(RunbookContract.Serialize(unsigned), unsigned.RequestId, "not signed");
    }

    [Fact]
    public async Task ProcessAsync_SignedWithAnUnknownKey_IsRejected()
    {
        var request = _worker.SignRaw(WorkerHarness.NewRequest(RunbookNames.SetImapCertificate), "k0", RandomNumberGenerator.GetBytes(32));

        await AssertRejectedAsync(RunbookContract.Serialize(request), request.RequestId, "UnknownKey");
    }

    [Fact]
    public async Task ProcessAsync_Expired_IsRejected()
    {
        var request = WorkerHarness.NewRequest(RunbookNames.SetImapCertificate) with
        {
            NotBefore = DateTimeOffset.UtcNow.AddHours(-3),
            ExpiresAt = DateTimeOffset.UtcNow.AddHours(-2),
        };

        var signed = _worker.Signer.Sign(request);
        await AssertRejectedAsync(RunbookContract.Serialize(signed), signed.RequestId, "Expired");
    }

    [Fact]
    public async Task ProcessAsync_RunbookNotInTheCatalog_IsRejected()
    {
        var request = _worker.SignRaw(WorkerHarness.NewRequest("Remove-Mailbox"));

        await AssertRejectedAsync(RunbookContract.Serialize(request), request.RequestId, "not in the catalog");
    }

    [Fact]
    public async Task ProcessAsync_TargetNotInTheAllowList_IsRejected()
    {
        var request = _worker.Signer.Sign(WorkerHarness.NewRequest(RunbookNames.SetImapCertificate, server: "dc01"));

        await AssertRejectedAsync(RunbookContract.Serialize(request), request.RequestId, "'dc01' is not in this worker's allow-list");
    }

    [Fact]
    public async Task ProcessAsync_ParameterOutsideItsSchema_IsRejected()
    {
        var request = _worker.SignRaw(WorkerHarness.NewRequest(RunbookNames.SetImapCertificate, parameters: new Dictionary<string, JsonElement>
        {
            ["Thumbprint"] = JsonDocument.Parse("\"x; Remove-Item C:\\\\ -Recurse\"").RootElement.Clone(),
        }));

        await AssertRejectedAsync(RunbookContract.Serialize(request), request.RequestId, "InvalidContent");
    }

    [Fact]
    public async Task ProcessAsync_SameRequestDeliveredTwice_RunsOnceAndReplaysTheOutcome()
    {
        var json = RunbookContract.Serialize(_worker.Signer.Sign(WorkerHarness.NewRequest(RunbookNames.SetImapCertificate) with { WhatIf = true }));
        await _worker.Requests.SendMessageAsync(json);
        await _worker.Requests.SendMessageAsync(json);

        Assert.Equal(MessageDisposition.Completed, await _worker.ProcessNextAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(MessageDisposition.Completed, await _worker.ProcessNextAsync(TimeSpan.FromSeconds(30)));

        var results = await _worker.WaitForResultsAsync(2, TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("[replayed", results[0].Output, StringComparison.Ordinal);
        Assert.StartsWith("[replayed", results[1].Output, StringComparison.Ordinal);
        Assert.Equal(results[0].StartedAt, results[1].StartedAt);
        Assert.Equal(1, _worker.Services.GetRequiredService<RequestLedger>().Count);
    }

    [Fact]
    public async Task ProcessAsync_SignedWithThePreviousKey_IsAccepted()
    {
        await using var worker = new WorkerHarness(azurite);
        var previous = RandomNumberGenerator.GetBytes(32);
        worker.Settings["RunbookSigning:PreviousKeyId"] = "k0";
        worker.Settings["RunbookSigning:PreviousKey"] = Convert.ToBase64String(previous);
        await worker.StartAsync(runLoop: false);
        var request = worker.SignRaw(WorkerHarness.NewRequest(RunbookNames.SetImapCertificate) with { WhatIf = true }, "k0", previous);
        await worker.Requests.SendMessageAsync(RunbookContract.Serialize(request));

        Assert.Equal(MessageDisposition.Completed, await worker.ProcessNextAsync(TimeSpan.FromSeconds(30)));

        var result = Assert.Single(await worker.WaitForResultsAsync(1, TimeSpan.FromSeconds(30)));
        Assert.True(result.Status == RunbookStatus.Succeeded, result.Error);
    }

    private async Task AssertRejectedAsync(string json, string requestId, string expectedReason)
    {
        await _worker.Requests.SendMessageAsync(json);

        Assert.Equal(MessageDisposition.Rejected, await _worker.ProcessNextAsync(TimeSpan.FromSeconds(30)));

        var result = await SingleRejectionAsync(requestId);
        Assert.Contains(expectedReason, result.Error, StringComparison.Ordinal);
        Assert.Equal(_labBefore, File.ReadAllText(_worker.LabState));
        Assert.Null((await _worker.Requests.PeekMessageAsync()).Value);
        Assert.Null((await _worker.Poison.PeekMessageAsync()).Value);
    }

    private async Task<RunbookResult> SingleRejectionAsync(string requestId)
    {
        var result = Assert.Single(await _worker.WaitForResultsAsync(1, TimeSpan.FromSeconds(30)));
        Assert.Equal(requestId, result.RequestId);
        Assert.Equal(RunbookStatus.Rejected, result.Status);
        Assert.Null(result.BeforeState);
        Assert.Equal(0, new FileInfo(_worker.Settings["HybridWorker:LedgerPath"]!).Length);
        return result;
    }

    private async Task AssertNothingRanNorAnsweredAsync()
    {
        Assert.Null((await _worker.Results.PeekMessageAsync()).Value);
        Assert.Null((await _worker.Requests.PeekMessageAsync()).Value);
        Assert.Equal(_labBefore, File.ReadAllText(_worker.LabState));
    }
}
