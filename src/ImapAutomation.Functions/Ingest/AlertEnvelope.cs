using System.Text.Json;

namespace ImapAutomation.Functions.Ingest;

/// <summary>The parts of a common-alert-schema payload the receiver needs to deduplicate and fetch it.</summary>
internal sealed record AlertEnvelope(string AlertId, string Rule, string Condition, string ChangedAt, IReadOnlyList<Uri> Links)
{
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
        if (data.TryGetProperty("alertContext", out var context) && context.ValueKind == JsonValueKind.Object
            && context.TryGetProperty("condition", out var criteria) && criteria.ValueKind == JsonValueKind.Object
            && criteria.TryGetProperty("allOf", out var allOf) && allOf.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in allOf.EnumerateArray())
            {
                var link = Text(item, "linkToFilteredSearchResultsAPI") ?? Text(item, "linkToSearchResultsAPI");
                if (link is not null && Uri.TryCreate(link, UriKind.Absolute, out var uri))
                {
                    links.Add(uri);
                }
            }
        }

        alert = new AlertEnvelope(alertId, Text(essentials, "alertRule") ?? "", condition, changedAt ?? "", links);
        return null;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
