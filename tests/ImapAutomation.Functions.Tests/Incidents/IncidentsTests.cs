using ImapAutomation.Functions.Ingest;
using ImapAutomation.Functions.Tests.Ingest;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ImapAutomation.Functions.Tests.Incidents;

public sealed class IncidentsTests(FunctionsHarness harness) : IClassFixture<FunctionsHarness>
{
    [Fact]
    public async Task Run_ExistingIncident_ReturnsItWithItsTimeline()
    {
        var body = ReceiveEventsTests.Event("exch02.contoso.com", "MSExchangeIMAP4", 1103, "<Data>x</Data>");
        await harness.Get<ReceiveEvents>().Run(FunctionsHarness.Post(body, "application/xml"), CancellationToken.None);

        var result = await harness.Get<Functions.Incidents.Incidents>().Run(new DefaultHttpContext().Request, "EXCH02.contoso.com", "ImapConnectionLimit", CancellationToken.None);

        var ok = Assert.IsType<OkObjectResult>(result);
        var json = System.Text.Json.JsonSerializer.Serialize(ok.Value);
        Assert.Contains("\"timeline\"", json, StringComparison.Ordinal);
        Assert.Contains("exch02.contoso.com", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownIncident_Is404()
    {
        var result = await harness.Get<Functions.Incidents.Incidents>().Run(new DefaultHttpContext().Request, "exch09.contoso.com", "ImapConnectionLimit", CancellationToken.None);

        Assert.Equal(404, Assert.IsType<ObjectResult>(result).StatusCode);
    }

    [Fact]
    public async Task Run_UnknownKind_Is400ListingTheKinds()
    {
        var result = await harness.Get<Functions.Incidents.Incidents>().Run(new DefaultHttpContext().Request, "exch01.contoso.com", "1 or 1=1", CancellationToken.None);

        var problem = Assert.IsType<ProblemDetails>(Assert.IsType<ObjectResult>(result).Value);
        Assert.Contains("ImapCertificateBinding", problem.Detail, StringComparison.Ordinal);
    }
}
