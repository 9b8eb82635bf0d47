using System.Diagnostics;
using System.Diagnostics.Metrics;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Telemetry;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ImapAutomation.Core.Tests.Telemetry;

public sealed class ImapAutomationMetricsTests : IDisposable
{
    private readonly TestMeterFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public void IncidentOpened_RecordsTheCountAndTimeToDetectTaggedByKindAndServer()
    {
        var metrics = new ImapAutomationMetrics(_factory);
        using var opened = new MetricCollector<long>(_factory, ImapAutomationMetrics.MeterName, "imapauto.incidents.opened");
        using var detect = new MetricCollector<double>(_factory, ImapAutomationMetrics.MeterName, "imapauto.incident.time_to_detect");

        metrics.IncidentOpened(IncidentKind.ImapCertificateBinding, "ex01.contoso.com", TimeSpan.FromSeconds(42));

        var count = Assert.Single(opened.GetMeasurementSnapshot());
        Assert.Equal(1, count.Value);
        Assert.Equal("ImapCertificateBinding", count.Tags["kind"]);
        Assert.Equal("ex01.contoso.com", count.Tags["server"]);
        Assert.Equal(42, Assert.Single(detect.GetMeasurementSnapshot()).Value);
    }

    [Fact]
    public void ApprovalRequestedThenDecided_LeavesNothingPending()
    {
        var metrics = new ImapAutomationMetrics(_factory);
        using var pending = new MetricCollector<long>(_factory, ImapAutomationMetrics.MeterName, "imapauto.approvals.pending");

        metrics.ApprovalRequested();
        metrics.ApprovalRequested();
        metrics.ApprovalDecided();

        Assert.Equal(1, pending.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public void StartContinuing_WithACorrelationId_ContinuesThatTrace()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == Correlation.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        const string id = "0af7651916cd43dd8448eb211c80319c";

        using var activity = Correlation.StartContinuing("ProcessRunbookResult", id);

        Assert.NotNull(activity);
        Assert.Equal(id, activity.TraceId.ToHexString());
        Assert.Equal(id, Correlation.CurrentId());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-trace-id")]
    [InlineData("0AF7651916CD43DD8448EB211C80319C")]
    public void StartContinuing_WithoutAUsableId_StartsANewTrace(string? id)
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == Correlation.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        using var activity = Correlation.StartContinuing("ProcessRunbookResult", id);

        Assert.NotNull(activity);
        Assert.NotEqual(id?.ToLowerInvariant(), activity.TraceId.ToHexString());
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
