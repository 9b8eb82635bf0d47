using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Testing;
using Microsoft.Extensions.Options;
using static ImapAutomation.Core.Tests.Incidents.EngineHarness;

namespace ImapAutomation.Core.Tests.Incidents;

[Collection(AzuriteGroup.Name)]
public sealed class IncidentBatcherTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task AddAsync_StormOnOneIncident_FirstWriteAtOnceThenOneWritePerInterval()
    {
        var h = await CreateAsync(azurite);
        var batcher = new IncidentBatcher(h.Engine, Options.Create(h.Policy), h.Time);
        var first = await batcher.AddAsync(Storm("ex01", IncidentKind.ImapCertificateBinding, events: 1, minute: 0), CancellationToken.None);

        var storm = Enumerable.Range(1, 300)
            .Select(i => batcher.AddAsync(Storm("ex01", IncidentKind.ImapCertificateBinding, events: 2, minute: i), CancellationToken.None))
            .ToList();
        await Task.Delay(200);
        Assert.All(storm, t => Assert.False(t.IsCompleted));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var changes = await Task.WhenAll(storm);

        Assert.Equal(1, first.Writes);
        Assert.Single(changes.Distinct());
        Assert.Equal(1, changes[0].Writes);
        var incident = await h.IncidentAsync(IncidentIds.For("ex01", IncidentKind.ImapCertificateBinding));
        Assert.Equal(601, incident.EventCount);
        Assert.Equal(301, incident.DetectionCount);
        Assert.Single(await h.DrainQueueAsync());
    }

    [Fact]
    public async Task AddAsync_DifferentIncidents_WrittenIndependently()
    {
        var h = await CreateAsync(azurite);
        var batcher = new IncidentBatcher(h.Engine, Options.Create(h.Policy), h.Time);

        var changes = await Task.WhenAll(
            batcher.AddAsync(Storm("ex01", IncidentKind.ImapCertificateBinding), CancellationToken.None),
            batcher.AddAsync(Storm("ex02", IncidentKind.ImapCertificateBinding), CancellationToken.None),
            batcher.AddAsync(Storm("ex01", IncidentKind.TlsHandshakeFailure), CancellationToken.None));

        Assert.Equal(3, changes.Select(c => c.Incident!.Id).Distinct().Count());
    }
}
