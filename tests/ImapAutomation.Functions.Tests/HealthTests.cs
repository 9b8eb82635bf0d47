using Azure.Data.Tables;
using Azure.Storage.Queues;
using ImapAutomation.Core.Catalog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace ImapAutomation.Functions.Tests;

public sealed class HealthTests(FunctionsHarness harness) : IClassFixture<FunctionsHarness>
{
    [Fact]
    public async Task Run_EveryTableAndQueueAnswers_IsOk()
    {
        var result = await harness.Get<Health>().Run(new DefaultHttpContext().Request, CancellationToken.None);

        Assert.IsType<OkObjectResult>(result);
    }

    [Fact]
    public async Task Run_AQueueIsMissing_Is503NamingIt()
    {
        var queues = harness.Services.GetRequiredService<QueueServiceClient>();
        await queues.DeleteQueueAsync(StorageNames.InboundPoisonQueue);
        try
        {
            var result = await harness.Get<Health>().Run(new DefaultHttpContext().Request, CancellationToken.None);

            var unhealthy = Assert.IsType<ObjectResult>(result);
            Assert.Equal(503, unhealthy.StatusCode);
            Assert.Contains($"queue {StorageNames.InboundPoisonQueue}: 404", System.Text.Json.JsonSerializer.Serialize(unhealthy.Value), StringComparison.Ordinal);
        }
        finally
        {
            await queues.CreateQueueAsync(StorageNames.InboundPoisonQueue);
        }
    }

    [Fact]
    public async Task Run_ATableIsMissing_Is503NamingIt()
    {
        var tables = harness.Services.GetRequiredService<TableServiceClient>();
        await tables.DeleteTableAsync(StorageNames.AlertsTable);
        try
        {
            var result = await harness.Get<Health>().Run(new DefaultHttpContext().Request, CancellationToken.None);

            Assert.Contains($"table {StorageNames.AlertsTable}: 404", System.Text.Json.JsonSerializer.Serialize(Assert.IsType<ObjectResult>(result).Value), StringComparison.Ordinal);
        }
        finally
        {
            await tables.CreateTableIfNotExistsAsync(StorageNames.AlertsTable);
        }
    }
}
