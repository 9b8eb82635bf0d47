using Azure.Storage.Queues;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Ingestion;
using ImapAutomation.Functions.Ingest;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace ImapAutomation.Functions.Tests.Ingest;

public sealed class ReceiveEventsTests(FunctionsHarness harness) : IClassFixture<FunctionsHarness>
{
    [Fact]
    public async Task Run_CertificateStorm_Answers202AfterTheIncidentAndItsFirstRequestArePersisted()
    {
        var body = FunctionsHarness.Sample("events", "exch01-certificate-binding.xml");

        var result = await harness.Get<ReceiveEvents>().Run(FunctionsHarness.Post(body, "application/xml"), CancellationToken.None);

        var accepted = Assert.IsType<ObjectResult>(result);
        Assert.Equal(202, accepted.StatusCode);
        var summary = Assert.IsType<IngestSummary>(accepted.Value);
        Assert.Contains("exch01.contoso.com/ImapCertificateBinding", summary.Incidents);
        var incident = await harness.Services.GetRequiredService<IncidentEngine>().GetAsync("exch01.contoso.com/ImapCertificateBinding", CancellationToken.None);
        Assert.NotNull(incident);
        var requests = harness.Services.GetRequiredService<QueueServiceClient>().GetQueueClient(StorageNames.RequestsQueue);
        var peeked = await requests.PeekMessagesAsync(32);
        Assert.Contains(peeked.Value, m => m.MessageText.Contains(RunbookNames.GetImapDiagnostics, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_SameStormTwice_QueuesNoSecondRequest()
    {
        var body = FunctionsHarness.Sample("events", "exch02-tls-handshake.xml");
        var function = harness.Get<ReceiveEvents>();
        var requests = harness.Services.GetRequiredService<QueueServiceClient>().GetQueueClient(StorageNames.RequestsQueue);

        await function.Run(FunctionsHarness.Post(body, "application/xml"), CancellationToken.None);
        var afterFirst = (await requests.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        await function.Run(FunctionsHarness.Post(body, "application/xml"), CancellationToken.None);
        var afterSecond = (await requests.GetPropertiesAsync()).Value.ApproximateMessagesCount;

        Assert.Equal(afterFirst, afterSecond);
    }

    [Fact]
    public async Task Run_BatchWithAMalformedEvent_CountsTheGoodOnesAndNamesTheBadOne()
    {
        var good = Event("exch01.contoso.com", "Schannel", 36888, "<Data Name=\"AlertDesc\">51</Data><Data Name=\"ErrorState\">900</Data>");
        var body = good + "<Event><System><EventID>not-a-number</EventID></System></Event>" + good;

        var result = await harness.Get<ReceiveEvents>().Run(FunctionsHarness.Post(body, "text/xml"), CancellationToken.None);

        var summary = Assert.IsType<IngestSummary>(Assert.IsType<ObjectResult>(result).Value);
        Assert.Equal(2, summary.Events);
        Assert.Equal(1, summary.Rejected);
        Assert.Contains("line", Assert.Single(summary.Rejections).Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OnlyEventsOfUnknownServers_Is400AndCreatesNothing()
    {
        var body = Event("attacker.example.net", "Schannel", 36888, "<Data Name=\"AlertDesc\">51</Data>");

        var result = await harness.Get<ReceiveEvents>().Run(FunctionsHarness.Post(body, "application/xml"), CancellationToken.None);

        var problem = Assert.IsType<ProblemDetails>(Assert.IsType<ObjectResult>(result).Value);
        Assert.Equal(400, problem.Status);
        Assert.Contains("not one of the configured Exchange servers", System.Text.Json.JsonSerializer.Serialize(problem.Extensions["rejections"]), StringComparison.Ordinal);
        Assert.Null(await harness.Services.GetRequiredService<IncidentEngine>().GetAsync("attacker.example.net/TlsHandshakeFailure", CancellationToken.None));
    }

    [Theory]
    [InlineData("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Event>&e;</Event>")]
    [InlineData("\u0000\u0001\u0002binary")]
    [InlineData("{\"not\":\"events\"}")]
    public async Task Run_HostileOrUnusableBody_Is400(string body)
    {
        var result = await harness.Get<ReceiveEvents>().Run(FunctionsHarness.Post(body, "application/xml"), CancellationToken.None);

        Assert.Equal(400, Assert.IsType<ObjectResult>(result).StatusCode);
    }

    [Fact]
    public async Task Run_BodyOverTheConfiguredLimit_Is413()
    {
        var result = await harness.Get<ReceiveEvents>().Run(FunctionsHarness.Post(new string(' ', 70_000), "application/xml"), CancellationToken.None);

        Assert.Equal(413, Assert.IsType<ObjectResult>(result).StatusCode);
    }

    internal static string Event(string computer, string provider, int id, string data) => $"""
        <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="{provider}" /><EventID>{id}</EventID><Level>2</Level><TimeCreated SystemTime="2026-10-14T09:14:00.000Z" /><EventRecordID>1</EventRecordID><Channel>System</Channel><Computer>{computer}</Computer></System><EventData>{data}</EventData></Event>
        """;
}
