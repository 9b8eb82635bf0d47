using System.Diagnostics;

namespace ImapAutomation.Core.Telemetry;

/// <summary>
/// One correlation id from event to card: the W3C trace id of the activity that ingested the events. It travels in the
/// runbook request and result, so the hybrid worker's logs join the cloud's.
/// </summary>
public static class Correlation
{
    public const string ActivitySourceName = "ImapAutomation";

    public static ActivitySource Source { get; } = new(ActivitySourceName);

    /// <summary>The current trace id, or a new random one where no activity is listened to.</summary>
    public static string CurrentId() => Activity.Current?.TraceId.ToHexString() ?? ActivityTraceId.CreateRandom().ToHexString();

    /// <summary>Continues a correlation id that arrived in a message (32 hex characters); anything else starts a new trace.</summary>
    public static Activity? StartContinuing(string name, string? correlationId)
    {
        if (correlationId is { Length: 32 } && correlationId.All(char.IsAsciiHexDigitLower))
        {
            var parent = new ActivityContext(ActivityTraceId.CreateFromString(correlationId), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
            return Source.StartActivity(name, ActivityKind.Consumer, parent);
        }

        return Source.StartActivity(name, ActivityKind.Consumer);
    }
}
