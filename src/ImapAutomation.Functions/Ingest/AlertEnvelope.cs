using System.Text.Json;

namespace ImapAutomation.Functions.Ingest;

/// <summary>The parts of a common-alert-schema payload the receiver needs to deduplicate and fetch it.</summary>
internal sealed record AlertEnvelope(string AlertId, string Rule, string Condition, string ChangedAt, IReadOnlyList<Uri> Links)
{
    /// <summary>Computers the alert names: its <c>Computer</c> dimensions and configuration items, as sent (validated by the caller).</summary>
    public IReadOnlyList<string> Computers { get; init; } = [];

    /// <summary>Deliveries are grouped by rule so a noisy rule's rows stay together.</summary>
    public string Partition => Rule.Length is > 0 and <= 200 && Rule.All(c => c is not ('/' or '\\' or '#' or '?') && !char.IsControl(c)) ? Rule : "rule";

    /// <summary>Returns null when usable, else what is wrong and where.</summary>
    public static string? Read(JsonElement root, out AlertEnvelope alert)
    {
        alert = null!;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "The body must be a JSON object.";
        }

        if (!root.TryGetProperty("schemaId", out var schema) || schema.ValueKind != JsonValueKind.String || schema.GetString() != ReceiveAlert.SchemaId)
        {
            return $"$.schemaId must be '{ReceiveAlert.SchemaId}' (turn on the common alert schema in the action group).";
        }

        if (!root.TryGetProperty("data", out var data) || !data.TryGetProperty("essentials", out var essentials) || essentials.ValueKind != JsonValueKind.Object)
        {
            return "$.data.essentials is missing.";
        }

        var alertId = Text(essentials, "alertId");
        var condition = Text(essentials, "monitorCondition");
        if (string.IsNullOrEmpty(alertId))
        {
            return "$.data.essentials.alertId is missing.";
        }

        if (condition is not ("Fired" or "Resolved"))
        {
            return "$.data.essentials.monitorCondition must be Fired or Resolved.";
        }

        var changedAt = condition == "Fired" ? Text(essentials, "firedDateTime") : Text(essentials, "resolvedDateTime");
        var links = new List<Uri>();
        var computers = new List<string>();
        if (essentials.TryGetProperty("configurationItems", out var items) && items.ValueKind == JsonValueKind.Array)
        {
            computers.AddRange(items.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!));
        }

        if (data.TryGetProperty("alertContext", out var context) && context.ValueKind == JsonValueKind.Object
            && context.TryGetProperty("condition", out var criteria) && criteria.ValueKind == JsonValueKind.Object
            && criteria.TryGetProperty("allOf", out var allOf) && allOf.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in allOf.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("dimensions", out var dimensions) && dimensions.ValueKind == JsonValueKind.Array)
                {
                    computers.AddRange(dimensions.EnumerateArray().Where(d => Text(d, "name") == "Computer").Select(d => Text(d, "value")).OfType<string>());
                }

                var link = Text(item, "linkToFilteredSearchResultsAPI") ?? Text(item, "linkToSearchResultsAPI");
                if (link is not null && Uri.TryCreate(link, UriKind.Absolute, out var uri))
                {
                    links.Add(uri);
                }
            }
        }

        alert = new AlertEnvelope(alertId, Text(essentials, "alertRule") ?? "", condition, changedAt ?? "", links)
        {
            Computers = [.. computers.Distinct(StringComparer.OrdinalIgnoreCase)],
        };
        return null;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
