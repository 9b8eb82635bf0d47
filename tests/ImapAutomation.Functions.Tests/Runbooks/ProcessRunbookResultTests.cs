using Azure.Data.Tables;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Functions.Runbooks;
using Microsoft.Extensions.DependencyInjection;

namespace ImapAutomation.Functions.Tests.Runbooks;

public sealed class ProcessRunbookResultTests(FunctionsHarness harness) : IClassFixture<FunctionsHarness>
{
    [Theory]
    [InlineData("not json")]
    [InlineData("""{"schemaVersion":99,"requestId":"0123456789abcdef0123456789abcdef"}""")]
    [InlineData("""{"schemaVersion":1,"requestId":"0123456789abcdef0123456789abcdef","status":"Succeeded","startedAt":"2026-10-14T09:00:00Z","completedAt":"2026-10-14T09:01:00Z"}""")]
    public async Task Run_UnusableOrUnknownResult_IsRecordedInTheLedgerAndNotThrown(string message)
    {
        var ledger = harness.Services.GetRequiredService<TableServiceClient>().GetTableClient(StorageNames.LedgerTable);
        var before = await CountAsync(ledger);

        await harness.Get<ProcessRunbookResult>().Run(message, CancellationToken.None);

        Assert.True(await CountAsync(ledger) > before);
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
