using Azure.Data.Tables;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Outbox;
using ImapAutomation.Core.Tests.Contracts;
using ImapAutomation.Core.Tests.Incidents;
using ImapAutomation.Testing;

namespace ImapAutomation.Core.Tests.Outbox;

[Collection(AzuriteGroup.Name)]
public sealed class RunbookRequestDispatcherTests(AzuriteFixture azurite)
{
    private static readonly IncidentKey Key = new("ex01", "incident~TlsHandshakeFailure");

    private static RunbookRequest Signed(EngineHarness h) =>
        new RunbookRequestSigner(ContractSamples.Ring()).Sign(ContractSamples.Request() with { NotBefore = h.Time.GetUtcNow(), ExpiresAt = h.Time.GetUtcNow().AddHours(1) });

    [Fact]
    public async Task DispatchAsync_EightParallelSendersSameRequest_ExactlyOneMessage()
    {
        var h = await EngineHarness.CreateAsync(azurite);
        var request = Signed(h);
        var senders = Enumerable.Range(0, 8).Select(_ => new RunbookRequestDispatcher(h.Queue, h.Ledger, h.Time)).ToArray();

        for (var round = 0; round < 5; round++)
        {
            var sent = await Task.WhenAll(senders.Select(s => Task.Run(() => s.DispatchAsync(request, Key, CancellationToken.None))));
            Assert.Equal(round == 0 ? 1 : 0, sent.Count(x => x));
        }

        var message = Assert.Single(await h.DrainQueueAsync());
        Assert.Equal(request.RequestId, message.RequestId);
        Assert.True(h.Verifier.Verify(message).IsValid);
        Assert.Equal(LedgerStatus.Sent, await h.Ledger.GetStatusAsync(request.RequestId, CancellationToken.None));
    }

    [Fact]
    public async Task DispatchAsync_ClaimLeftByACrashedSender_TakenOverOnlyAfterTheLease()
    {
        var h = await EngineHarness.CreateAsync(azurite);
        var request = Signed(h);
        await h.LedgerTable.AddEntityAsync(new TableEntity("request", request.RequestId) { ["Status"] = "Claimed", ["ClaimedAt"] = h.Time.GetUtcNow() });
        var dispatcher = new RunbookRequestDispatcher(h.Queue, h.Ledger, h.Time);

        var early = await dispatcher.DispatchAsync(request, Key, CancellationToken.None);
        h.Time.Advance(RunbookRequestDispatcher.ClaimLease + TimeSpan.FromSeconds(1));
        var late = await dispatcher.DispatchAsync(request, Key, CancellationToken.None);

        Assert.False(early);
        Assert.True(late);
        Assert.Single(await h.DrainQueueAsync());
    }

    [Fact]
    public async Task TryAcceptAsync_ReplayedRequestId_AcceptedOnlyOnce()
    {
        var h = await EngineHarness.CreateAsync(azurite);
        var id = RunbookRequestIds.For("ex01/TlsHandshakeFailure", 1, 0, 1);

        var accepted = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => h.Ledger.TryAcceptAsync(id, CancellationToken.None)));

        Assert.Single(accepted, a => a);
        Assert.False(await h.Ledger.TryAcceptAsync("../../x", CancellationToken.None));
    }
}
