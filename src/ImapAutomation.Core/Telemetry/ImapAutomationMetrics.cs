using System.Diagnostics;
using System.Diagnostics.Metrics;
using ImapAutomation.Core.Catalog;

namespace ImapAutomation.Core.Telemetry;

/// <summary>
/// The figures operators ask for, as OpenTelemetry instruments on one meter (exported to Application Insights by the
/// Functions app and the hybrid worker): incidents by kind and server, time to detect, time to remediate,
/// remediation outcomes, approvals pending and poison messages.
/// </summary>
public sealed class ImapAutomationMetrics
{
    public const string MeterName = "ImapAutomation";

    private readonly Counter<long> _incidentsOpened;
    private readonly Histogram<double> _timeToDetect;
    private readonly Histogram<double> _timeToRemediate;
    private readonly Counter<long> _remediations;
    private readonly Counter<long> _poisonMessages;
    private readonly UpDownCounter<long> _approvalsPending;

    public ImapAutomationMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _incidentsOpened = meter.CreateCounter<long>("imapauto.incidents.opened", "{incident}", "Incidents opened or reopened.");
        _timeToDetect = meter.CreateHistogram<double>("imapauto.incident.time_to_detect", "s", "From the first event of an incident to the incident.");
        _timeToRemediate = meter.CreateHistogram<double>("imapauto.incident.time_to_remediate", "s", "From the incident to its verified fix.");
        _remediations = meter.CreateCounter<long>("imapauto.remediations", "{runbook}", "Runbook results by outcome.");
        _poisonMessages = meter.CreateCounter<long>("imapauto.queue.poison", "{message}", "Messages that reached a poison queue.");
        _approvalsPending = meter.CreateUpDownCounter<long>("imapauto.approvals.pending", "{approval}", "Steps waiting for an operator.");
    }

    public void IncidentOpened(IncidentKind kind, string server, TimeSpan timeToDetect)
    {
        var tags = KindAndServer(kind, server);
        _incidentsOpened.Add(1, tags);
        _timeToDetect.Record(Math.Max(0, timeToDetect.TotalSeconds), tags);
    }

    public void IncidentResolved(IncidentKind kind, string server, TimeSpan timeToRemediate) =>
        _timeToRemediate.Record(Math.Max(0, timeToRemediate.TotalSeconds), KindAndServer(kind, server));

    public void RemediationCompleted(string runbook, string status) =>
        _remediations.Add(1, new TagList { { "runbook", runbook }, { "status", status } });

    public void PoisonMessage(string queue) => _poisonMessages.Add(1, new TagList { { "queue", queue } });

    public void ApprovalRequested() => _approvalsPending.Add(1);

    public void ApprovalDecided() => _approvalsPending.Add(-1);

    private static TagList KindAndServer(IncidentKind kind, string server) =>
        new() { { "kind", kind.ToString() }, { "server", server } };
}
