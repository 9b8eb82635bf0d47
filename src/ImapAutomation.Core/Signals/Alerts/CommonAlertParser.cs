using System.Globalization;
using System.Text.Json;

namespace ImapAutomation.Core.Signals.Alerts;

/// <summary>
/// Reads Azure Monitor common alert schema payloads. Log search alerts (V2) carry no rows: the server and the event
/// come from the rule's dimensions (split by Computer, Source, EventID). A Resolved payload is reported, never acted on.
/// </summary>
internal static class CommonAlertParser
{
    public const string AlertProvider = "Azure Monitor alert";

    public static bool Matches(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("schemaId", out var s) &&
        s.ValueKind == JsonValueKind.String && s.GetString() == "azureMonitorCommonAlertSchema";

    public static IEnumerable<SignalItem> Read(JsonElement root)
    {
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object ||
            !data.TryGetProperty("essentials", out var essentials) || essentials.ValueKind != JsonValueKind.Object)
        {
            yield return new SignalRejection("$.data.essentials", "a common alert schema payload needs data.essentials");
            yield break;
        }

        var rule = Text(essentials, "alertRule") ?? "(unnamed rule)";
        var condition = Text(essentials, "monitorCondition") ?? "Fired";
        var signalType = Text(essentials, "signalType");
        if (!string.Equals(signalType, "Log", StringComparison.OrdinalIgnoreCase))
        {
            yield return new SignalNotice("$.data.essentials.signalType", $"alert '{rule}' is a {signalType ?? "untyped"} alert, not a log search alert: nothing to classify");
            yield break;
        }

        var resolved = string.Equals(condition, "Resolved", StringComparison.OrdinalIgnoreCase);
        var timeText = resolved ? Text(essentials, "resolvedDateTime") : null;
        JsonElement allOf = default;
        var hasConditions = data.TryGetProperty("alertContext", out var context) && context.ValueKind == JsonValueKind.Object &&
            context.TryGetProperty("condition", out var cond) && cond.ValueKind == JsonValueKind.Object &&
            cond.TryGetProperty("allOf", out allOf) && allOf.ValueKind == JsonValueKind.Array;
        if (hasConditions)
        {
            timeText ??= Text(context.GetProperty("condition"), "windowEndTime");
        }

        timeText ??= Text(essentials, "firedDateTime");
        if (!EventTime.TryParse(timeText, out var time))
        {
            yield return new SignalRejection("$.data.essentials.firedDateTime", $"alert '{rule}' has no usable time ('{timeText}')");
            yield break;
        }

        if (!hasConditions)
        {
            yield return new SignalRejection("$.data.alertContext.condition.allOf", $"alert '{rule}' has no condition.allOf array");
            yield break;
        }

        var configurationItems = essentials.TryGetProperty("configurationItems", out var ci) && ci.ValueKind == JsonValueKind.Array
            ? ci.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];
        var index = 0;
        foreach (var item in allOf.EnumerateArray())
        {
            var path = $"$.data.alertContext.condition.allOf[{index++}]";
            foreach (var produced in ReadCondition(item, path, rule, condition, resolved, time, configurationItems))
            {
                yield return produced;
            }
        }
    }

    private static IEnumerable<SignalItem> ReadCondition(
        JsonElement item, string path, string rule, string condition, bool resolved, DateTimeOffset time, List<string> configurationItems)
    {
        var dimensions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("dimensions", out var dims) && dims.ValueKind == JsonValueKind.Array)
        {
            foreach (var dim in dims.EnumerateArray())
            {
                if (dim.ValueKind == JsonValueKind.Object && Text(dim, "name") is { } name && Text(dim, "value") is { } value)
                {
                    dimensions.TryAdd(name, value);
                }
            }
        }

        var server = dimensions.GetValueOrDefault("Computer") ?? (configurationItems.Count == 1 ? configurationItems[0] : string.Empty);
        var source = dimensions.GetValueOrDefault("Source") ?? dimensions.GetValueOrDefault("Provider") ?? dimensions.GetValueOrDefault("EventSource");
        var idText = dimensions.GetValueOrDefault("EventID") ?? dimensions.GetValueOrDefault("EventId");
        var hasId = int.TryParse(idText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id);
        source ??= hasId ? InferSource(id) : null;

        if (resolved)
        {
            yield return new SignalNotice(path, $"alert '{rule}' Resolved for '{server}' at {time:u}: reported only, a resolved alert closes no incident");
        }
        else if (!hasId || source is null || server.Length == 0)
        {
            yield return new SignalNotice(path, $"alert '{rule}' is not split by Computer, Source and EventID: it cannot be classified (query the search results link instead)");
        }

        yield return new SignalEvent(server, hasId && source is not null ? source : AlertProvider, hasId ? id : 0, time)
        {
            Count = Count(item),
            AlertCondition = condition,
            RenderedText = $"alert '{rule}' {condition}",
            NamedData = dimensions,
        };
    }

    /// <summary>Only the IDs this project's data collection rule collects are unambiguous enough to name their source.</summary>
    private static string? InferSource(int id) => id switch
    {
        36888 => "Schannel",
        1009 or 1101 or 1102 or 1103 or 2007 => "MSExchangeIMAP4",
        _ => null,
    };

    /// <summary>A count-aggregated log alert's metricValue is the number of matching rows.</summary>
    private static long Count(JsonElement item)
    {
        if (item.ValueKind == JsonValueKind.Object &&
            string.Equals(Text(item, "timeAggregation"), "Count", StringComparison.OrdinalIgnoreCase) &&
            item.TryGetProperty("metricValue", out var metric) && metric.ValueKind == JsonValueKind.Number &&
            metric.TryGetDouble(out var value) && value >= 1 && value <= int.MaxValue && value == Math.Floor(value))
        {
            return (long)value;
        }

        return 1;
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
