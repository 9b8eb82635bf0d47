using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Detection;
using ImapAutomation.Core.Signals;

namespace ImapAutomation.Core.Tests.Detection;

public sealed class DetectionCorrelatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 10, 14, 9, 0, 0, TimeSpan.Zero);

    private static SignalEvent Imap(int id, string server = "EXCH01.contoso.com", int minute = 1, string provider = "MSExchangeIMAP4") =>
        new(server, provider, id, T0.AddMinutes(minute));

    private static SignalEvent Schannel(string alert = "51", string state = "900", string server = "EXCH01.contoso.com", int minute = 2) =>
        new(server, "Schannel", 36888, T0.AddMinutes(minute))
        {
            NamedData = new Dictionary<string, string> { ["AlertDesc"] = alert, ["ErrorState"] = state },
        };

    private static SignalEvent Proxy(string server = "EXCH07.contoso.com", string err = "ProxyNotAuthenticated") =>
        new(server, SignalEvent.ImapProtocolLogProvider, 0, T0.AddMinutes(3))
        {
            NamedData = new Dictionary<string, string> { ["ErrMsg"] = err },
        };

    private static IReadOnlyList<ImapAutomation.Core.Detection.Detection> Run(IEnumerable<SignalEvent> events, TimeSpan? window = null)
    {
        var correlator = new DetectionCorrelator(new DetectionOptions { Window = window ?? TimeSpan.FromMinutes(30) });
        foreach (var e in events)
        {
            correlator.Add(e);
        }

        return correlator.TakeAll();
    }

    [Fact]
    public void Add_CertificateErrorsWithSchannelOnSameServer_FoldsSchannelIntoOneCertificateIncident()
    {
        var detections = Run([Imap(1102), Imap(1102), Imap(2007, provider: "MSExchangeIMAP4BE"), Schannel(), Schannel(), Schannel("40", "1205")]);

        var d = Assert.Single(detections);
        Assert.Equal(IncidentKind.ImapCertificateBinding, d.Kind);
        Assert.Equal(6, d.EventCount);
        Assert.Equal("exch01.contoso.com", d.Server);
        Assert.Equal(
            [("MSExchangeIMAP4", 1102, 2L), ("MSExchangeIMAP4BE", 2007, 1L), ("Schannel", 36888, 2L), ("Schannel", 36888, 1L)],
            d.Evidence.Select(e => (e.Source, e.EventId, e.Count)));
        Assert.Equal([RunbookNames.GetImapDiagnostics, RunbookNames.SetImapCertificate, RunbookNames.RestartImapServices, RunbookNames.TestImapTls], d.Plan);
        Assert.Equal((T0.AddMinutes(1), T0.AddMinutes(2)), (d.FirstSeen, d.LastSeen));
    }

    [Fact]
    public void Add_SchannelAlone_IsTlsHandshakeFailureWithDecodedAlertAndRawState()
    {
        var d = Assert.Single(Run([Schannel("70", "105"), Schannel("70", "105")]));

        Assert.Equal(IncidentKind.TlsHandshakeFailure, d.Kind);
        Assert.Equal([RunbookNames.GetImapDiagnostics, RunbookNames.TestImapTls], d.Plan);
        var e = Assert.Single(d.Evidence);
        Assert.Equal(new EvidenceItem("Schannel", 36888, 2, 70, "protocol_version", "105", "SEC_E_UNSUPPORTED_FUNCTION"), e);
    }

    [Fact]
    public void Add_SchannelOnAnotherServerOrWindow_IsNotFolded()
    {
        var detections = Run([Imap(1102), Schannel(server: "EXCH02"), Schannel(minute: 45)]);

        Assert.Equal(
            [("exch01.contoso.com", IncidentKind.ImapCertificateBinding, 1L), ("exch01.contoso.com", IncidentKind.TlsHandshakeFailure, 1L), ("exch02", IncidentKind.TlsHandshakeFailure, 1L)],
            detections.Select(d => (d.Server, d.Kind, d.EventCount)));
    }

    [Fact]
    public void Add_ServerNamesDifferingInCase_AreOneServerReportedLowerCase()
    {
        var d = Assert.Single(Run([Imap(1009, "EXCH03.Contoso.COM"), Imap(1101, "exch03.contoso.com"), Imap(1103, " Exch03.contoso.com ")]));

        Assert.Equal(("exch03.contoso.com", IncidentKind.ImapConnectionLimit, 3L), (d.Server, d.Kind, d.EventCount));
        Assert.Equal([RunbookNames.GetImapDiagnostics, RunbookNames.SetImapConnectionLimits, RunbookNames.SetImapThrottlingPolicy, RunbookNames.RestartImapServices], d.Plan);
    }

    [Fact]
    public void Add_ProxyNotAuthenticated_IsProxyIncidentOnTheTarget()
    {
        var d = Assert.Single(Run([Proxy(), Proxy(), Proxy(err: "ProxyTimeout")]));

        Assert.Equal(("exch07.contoso.com", IncidentKind.ImapProxyAuthFailure, 2L), (d.Server, d.Kind, d.EventCount));
        Assert.Equal(
            [RunbookNames.GetImapDiagnostics, RunbookNames.SetImapCertificate, RunbookNames.DisableImapNtlm, RunbookNames.RestartImapServices, RunbookNames.TestImapTls],
            d.Plan);
    }

    [Fact]
    public void Add_OtherEvents_AreCountedAndIgnored()
    {
        var correlator = new DetectionCorrelator();
        correlator.Add(Imap(1000));
        correlator.Add(new SignalEvent("exch01", "Service Control Manager", 7036, T0));
        correlator.Add(Imap(1102) with { AlertCondition = "Resolved" });
        correlator.Add(Imap(1102, server: string.Empty));
        correlator.Add(Imap(1102));

        Assert.Equal((5L, 4L), (correlator.EventsSeen, correlator.EventsIgnored));
        Assert.Equal(1, Assert.Single(correlator.TakeAll()).EventCount);
    }

    [Fact]
    public void Add_AlertWithCount_CountsTheEventsItStandsFor()
    {
        var d = Assert.Single(Run([Schannel() with { Count = 240, NamedData = new Dictionary<string, string>() }]));

        Assert.Equal(240, d.EventCount);
        Assert.Null(d.Evidence[0].TlsAlert);
    }

    [Fact]
    public void Add_ShorterWindow_SplitsIntoOneIncidentPerWindow()
    {
        var events = Enumerable.Range(0, 30).Select(i => Imap(1102, minute: i)).ToList();

        var detections = Run(events, TimeSpan.FromMinutes(10));

        Assert.Equal([10L, 10L, 10L], detections.Select(d => d.EventCount));
        Assert.All(detections, d => Assert.Equal(IncidentKind.ImapCertificateBinding, d.Kind));
    }

    [Fact]
    public void Add_AnyArrivalOrder_GivesTheSameDetections()
    {
        var events = Enumerable.Range(0, 200)
            .Select(i => i % 3 == 0 ? Imap(1102, $"exch{i % 4}", i % 90) : Schannel(server: $"EXCH{i % 5}", minute: i % 90))
            .ToList();
        var shuffled = events.OrderBy(_ => Random.Shared.Next()).ToList();

        var a = Run(events);
        var b = Run(shuffled);

        Assert.Equal(Describe(a), Describe(b));
    }

    [Fact]
    public void TakeCompleted_FedInBatches_ReturnsOnlyClosedWindows()
    {
        var correlator = new DetectionCorrelator();
        correlator.Add(Imap(1102, minute: 5));
        correlator.Add(Imap(1102, minute: 40));

        var first = correlator.TakeCompleted(T0.AddMinutes(31));
        correlator.Add(Schannel(minute: 50));
        var rest = correlator.TakeAll();

        Assert.Equal(T0.AddMinutes(5), Assert.Single(first).FirstSeen);
        var d = Assert.Single(rest);
        Assert.Equal((IncidentKind.ImapCertificateBinding, 2L), (d.Kind, d.EventCount));
        Assert.Empty(correlator.TakeAll());
    }

    [Fact]
    public void Add_WindowAlreadyTakenThenFedAgain_StartsThatWindowAgain()
    {
        // The correlator remembers each server spelling's current bucket: a taken bucket must not be fed again.
        var correlator = new DetectionCorrelator();
        correlator.Add(Imap(1102, minute: 5));
        correlator.Add(Imap(1102, server: "exch01.CONTOSO.com", minute: 6));
        var first = Assert.Single(correlator.TakeAll());

        correlator.Add(Imap(1102, minute: 7));
        var again = Assert.Single(correlator.TakeAll());

        Assert.Equal((2L, 1L), (first.EventCount, again.EventCount));
        Assert.Equal(("exch01.contoso.com", T0.AddMinutes(7)), (again.Server, again.FirstSeen));
    }

    [Fact]
    public void Add_ServersInterleavedAcrossWindows_CountsEachServerAndWindowExactly()
    {
        var events = Enumerable.Range(0, 600).Select(i => Imap(1009, server: $"EXCH{i % 3}.contoso.com", minute: i / 10)).ToList();

        var detections = Run(events);

        Assert.Equal(6, detections.Count);
        Assert.All(detections, d => Assert.Equal(100L, d.EventCount));
        Assert.Equal(600L, detections.Sum(d => d.EventCount));
    }

    [Fact]
    public void Add_ThousandsOfDistinctErrorStates_KeepsEvidenceBoundedAndCountExact()
    {
        var d = Assert.Single(Run(Enumerable.Range(0, 5000).Select(i => Schannel("40", $"state-{i}"))));

        Assert.Equal(5000, d.EventCount);
        Assert.Equal(65, d.Evidence.Count);
        Assert.Equal(5000, d.Evidence.Sum(e => e.Count));
        Assert.Contains(d.Evidence, e => e.ErrorState == "(further alert/state pairs, not listed)" && e.TlsAlert is null && e.Count == 5000 - 64);
    }

    [Fact]
    public void Constructor_NonPositiveWindow_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DetectionCorrelator(new DetectionOptions { Window = TimeSpan.Zero }));
    }

    private static List<string> Describe(IEnumerable<ImapAutomation.Core.Detection.Detection> detections) =>
        [.. detections.Select(d => $"{d.Server} {d.Kind} {d.EventCount} {d.FirstSeen:O} {d.LastSeen:O} {string.Join(";", d.Evidence)}")];
}
