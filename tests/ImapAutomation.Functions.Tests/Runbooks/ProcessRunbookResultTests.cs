using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Functions.Runbooks;
using Microsoft.Extensions.DependencyInjection;

namespace ImapAutomation.Functions.Tests.Runbooks;

public sealed class ProcessRunbookResultTests(FunctionsHarness harness) : IClassFixture<FunctionsHarness>
{
    [Theory]
    [InlineData("not json")]
    [InlineData("""{"schemaVersion":99,"requestId":"0123456789abcdef0123456789abcdef"}""")]
    [InlineData("""{"schemaVersion":1,"requestId":"0123456789abcdef0123456789abcdef","status":"Succeeded","startedAt":"2026-10-14T09:00:00Z","completedAt":"2026-10-14T09:01:00Z"}""")]
    [InlineData("""{"schemaVersion":2,"requestId":"0123456789abcdef0123456789abcdef","status":"Succeeded","startedAt":"2026-10-14T09:00:00Z","completedAt":"2026-10-14T09:01:00Z"}""")]
    public async Task Run_UnusableOrUnknownResult_IsRecordedInTheLedgerAndNotThrown(string message)
    {
        var ledger = harness.Services.GetRequiredService<TableServiceClient>().GetTableClient(StorageNames.LedgerTable);
        var before = await CountAsync(ledger);

        await harness.Get<ProcessRunbookResult>().Run(message, CancellationToken.None);

        Assert.True(await CountAsync(ledger) > before);
    }

    [Theory]
    [InlineData(true, "result for an unknown request")]
    [InlineData(false, "result signature refused: the signature does not match the result")]
    public async Task Run_SignedResult_VerifiedWithTheAppsKeysBeforeAnythingElse(bool signedByTheWorkersKey, string expected)
    {
        var requestId = RunbookRequestIds.For("functions/" + Guid.NewGuid().ToString("N"), 1, 0, 1);
        // The app is configured with key k1 (FunctionsHarness); the forger knows the key id, not the key.
        var key = signedByTheWorkersKey ? Encoding.UTF8.GetBytes("a test key of at least thirty-two bytes") : RandomNumberGenerator.GetBytes(32);
        var result = new RunbookResultSigner(new RunbookKeyRing("k1", key)).Sign(new RunbookResult
        {
            SchemaVersion = RunbookResult.CurrentSchemaVersion,
            RequestId = requestId,
            Status = RunbookStatus.Succeeded,
            StartedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            CompletedAt = DateTimeOffset.UtcNow,
        });

        await harness.Get<ProcessRunbookResult>().Run(RunbookContract.Serialize(result), CancellationToken.None);

        var ledger = harness.Services.GetRequiredService<TableServiceClient>().GetTableClient(StorageNames.LedgerTable);
        var reasons = new List<string>();
        await foreach (var row in ledger.QueryAsync<TableEntity>(r => r.RowKey.CompareTo(requestId) > 0 && r.RowKey.CompareTo(requestId + "~~") < 0))
        {
            reasons.Add(row.GetString("Reason"));
        }

        Assert.StartsWith(expected, Assert.Single(reasons), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PoisonMessage_IsKeptInTheLedgerWithItsText()
    {
        var ledger = harness.Services.GetRequiredService<TableServiceClient>().GetTableClient(StorageNames.LedgerTable);
        var before = await CountAsync(ledger);

        await harness.Get<ProcessPoisonResult>().Run("{\"half\":", CancellationToken.None);

        Assert.Equal(before + 1, await CountAsync(ledger));
    }

    private static async Task<int> CountAsync(TableClient table)
    {
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(select: ["PartitionKey"]))
        {
            count++;
        }

        return count;
    }
}
