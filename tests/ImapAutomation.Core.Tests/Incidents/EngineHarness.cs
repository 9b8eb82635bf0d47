using Azure.Data.Tables;
using Azure.Storage.Queues;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Detection;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Outbox;
using ImapAutomation.Core.Policy;
using ImapAutomation.Core.Tests.Contracts;
using ImapAutomation.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using DetectionRecord = ImapAutomation.Core.Detection.Detection;

namespace ImapAutomation.Core.Tests.Incidents;

/// <summary>An engine over fresh tables and a fresh queue in the shared Azurite, with a fake clock.</summary>
internal sealed class EngineHarness
{
    public static readonly DateTimeOffset Start = new(2026, 10, 14, 9, 0, 0, TimeSpan.Zero);

    private EngineHarness(AzuriteFixture azurite, PolicyOptions policy)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        Incidents = new TableClient(azurite.ConnectionString, StorageNames.IncidentsTable + suffix);
        LedgerTable = new TableClient(azurite.ConnectionString, StorageNames.LedgerTable + suffix);
        Queue = new QueueClient(azurite.ConnectionString, StorageNames.RequestsQueue + "-" + suffix);
        Policy = policy;
        Ledger = new RequestLedger(LedgerTable, Time);
        Engine = NewEngine();
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public TableClient Incidents { get; }

    public TableClient LedgerTable { get; }

    public QueueClient Queue { get; }

    public PolicyOptions Policy { get; }

    public RequestLedger Ledger { get; }

    public IncidentEngine Engine { get; }

    public RunbookRequestVerifier Verifier => new(ContractSamples.Ring(), Time, new RunbookSigningOptions { MaxLifetime = TimeSpan.FromDays(7) });

    public static async Task<EngineHarness> CreateAsync(AzuriteFixture azurite, Action<PolicyOptions>? configure = null)
    {
        var policy = new PolicyOptions();
        configure?.Invoke(policy);
        var harness = new EngineHarness(azurite, policy);
        await harness.Incidents.CreateIfNotExistsAsync();
        await harness.LedgerTable.CreateIfNotExistsAsync();
        await harness.Queue.CreateIfNotExistsAsync();
        return harness;
    }

    /// <summary>Another engine instance over the same storage, as another Functions instance would be.</summary>
    public IncidentEngine NewEngine(IIncidentAnnouncer? announcer = null, Microsoft.Extensions.Logging.ILogger<IncidentEngine>? logger = null) => new(
        Incidents,
        Ledger,
        new RunbookRequestDispatcher(Queue, Ledger, Time),
        new RunbookRequestSigner(ContractSamples.Ring()),
        Options.Create(Policy),
        Time,
        logger ?? NullLogger<IncidentEngine>.Instance,
        announcer);

    public static DetectionRecord Storm(string server, IncidentKind kind, long events = 10, int minute = 0, params string[] plan) =>
        new(server, kind, events, Start.AddMinutes(minute), Start.AddMinutes(minute).AddSeconds(59),
            [new EvidenceItem("Schannel", 36888, events, 46, "certificate_unknown", "1205")],
            plan.Length > 0 ? plan : DefaultPlan(kind));

    public static string[] DefaultPlan(IncidentKind kind) => kind switch
    {
        IncidentKind.ImapCertificateBinding => [RunbookNames.GetImapDiagnostics, RunbookNames.SetImapCertificate, RunbookNames.RestartImapServices],
        IncidentKind.TlsHandshakeFailure => [RunbookNames.SetImapCertificate],
        IncidentKind.ImapConnectionLimit => [RunbookNames.SetImapConnectionLimits, RunbookNames.RestartImapServices],
        _ => [RunbookNames.GetImapDiagnostics],
    };

    /// <summary>Every message on the requests queue (received with a long visibility, so each is seen once).</summary>
    public async Task<List<RunbookRequest>> DrainQueueAsync()
    {
        var requests = new List<RunbookRequest>();
        while (true)
        {
            var batch = (await Queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(10))).Value;
            if (batch.Length == 0)
            {
                return requests;
            }

            requests.AddRange(batch.Select(m => RunbookContract.ParseRequest(m.MessageText).Value!));
        }
    }

    /// <summary>A result as the worker posts it: signed with the harness's current key.</summary>
    public static RunbookResult Result(string requestId, RunbookStatus status = RunbookStatus.Succeeded,
        VerificationOutcome verification = VerificationOutcome.NotRun, string error = "") => new RunbookResultSigner(ContractSamples.Ring()).Sign(Unsigned(requestId, status, verification, error));

    public static RunbookResult Unsigned(string requestId, RunbookStatus status = RunbookStatus.Succeeded,
        VerificationOutcome verification = VerificationOutcome.NotRun, string error = "") => new()
    {
        SchemaVersion = RunbookResult.CurrentSchemaVersion,
        RequestId = requestId,
        Status = status,
        StartedAt = Start,
        CompletedAt = Start.AddSeconds(30),
        Error = error,
        Verification = verification,
        VerificationDetail = verification == VerificationOutcome.NotRun ? null : "IMAPS handshake " + verification,
    };

    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(string incidentId) => await Engine.GetTimelineAsync(incidentId, CancellationToken.None);

    public async Task<Incident> IncidentAsync(string incidentId) => (await Engine.GetAsync(incidentId, CancellationToken.None))!;
}
