using ImapAutomation.Core.Incidents;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ImapAutomation.Functions.Incidents;

/// <summary>
/// The engine's periodic pass (<c>%TickSchedule%</c>): times out requests whose result never came, moves waiting
/// incidents on, and sends what a crash or an outage left in the outbox (runbook requests and Teams cards).
/// </summary>
public sealed partial class TickIncidents(IncidentEngine engine, ILogger<TickIncidents> logger)
{
    [Function(nameof(TickIncidents))]
    public async Task Run([TimerTrigger("%TickSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var touched = await engine.TickAsync(cancellationToken).ConfigureAwait(false);
        LogTicked(touched);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tick: {Touched} incidents moved on")]
    private partial void LogTicked(int touched);
}
