using System.Collections.Concurrent;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Testing;
using static ImapAutomation.Core.Tests.Incidents.EngineHarness;

namespace ImapAutomation.Core.Tests.Incidents;

[Collection(AzuriteGroup.Name)]
public sealed class IncidentConcurrencyTests(AzuriteFixture azurite)
{
    private const int Writers = 8;
    private const int Rounds = 50;
    private const int DetectionsPerWriter = 3;

    [Fact]
    public async Task IngestAsync_EightParallelWritersFiftyRounds_OneIncidentOneRequestExactCounts()
    {
        var h = await CreateAsync(azurite);
        var engines = Enumerable.Range(0, Writers).Select(_ => h.NewEngine()).ToArray();
        var notifications = new ConcurrentBag<IncidentNotification>();
        var expectedEvents = new Dictionary<string, long>();

        for (var round = 0; round < Rounds; round++)
        {
            var server = $"ex{round:D2}.contoso.com";
            var detections = Enumerable.Range(0, Writers * DetectionsPerWriter)
                .Select(i => Storm(server, IncidentKind.ImapCertificateBinding, events: 1 + (i % 7), minute: i))
                .ToArray();
            expectedEvents[server] = detections.Sum(d => d.EventCount);
            using var start = new Barrier(Writers);
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                start.SignalAndWait();
                for (var i = 0; i < DetectionsPerWriter; i++)
                {
                    var change = await engines[w].IngestAsync(detections[(w * DetectionsPerWriter) + i], CancellationToken.None);
                    foreach (var n in change.Notifications)
                    {
                        notifications.Add(n);
                    }
                }
            })));
        }

        var incidents = h.Incidents.Query<Azure.Data.Tables.TableEntity>("RowKey ge 'incident~' and RowKey lt 'incident~~'").ToList();
        var requests = await h.DrainQueueAsync();
        Assert.Equal(Rounds, incidents.Count);
        Assert.All(incidents, row =>
        {
            Assert.Equal(expectedEvents[row.PartitionKey], row.GetInt64("EventCount"));
            Assert.Equal(Writers * DetectionsPerWriter, row.GetInt64("DetectionCount"));
            Assert.Equal(nameof(IncidentState.Remediating), row.GetString("State"));
        });
        Assert.Equal(Rounds, requests.Count);
        Assert.Equal(Rounds, requests.Select(r => r.RequestId).Distinct().Count());
        Assert.All(requests, r => Assert.Equal(RunbookNames.GetImapDiagnostics, r.Runbook));
        Assert.Equal(Rounds, notifications.Count(n => n.Kind == NotificationKind.IncidentOpened));
        Assert.Equal(Rounds, notifications.Count(n => n.Kind == NotificationKind.RemediationQueued));
        Assert.Equal(Rounds * 2, h.Incidents.Query<Azure.Data.Tables.TableEntity>("RowKey ge 'timeline~' and RowKey lt 'timeline~~'").Count());
    }
}
