using System.Text.Json.Nodes;

namespace ImapAutomation.Core.Cards;

/// <summary>The few Adaptive Card elements the builders use, as JSON nodes; text passed here is already escaped.</summary>
internal static class AdaptiveElements
{
    public const string SchemaUrl = "http://adaptivecards.io/schemas/adaptive-card.json";

    public static JsonObject Card(CardContext context, JsonArray body, JsonArray actions, string fallbackText)
    {
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = SchemaUrl,
            ["version"] = context.Options.SchemaVersion,
            ["fallbackText"] = fallbackText,
            ["body"] = body,
        };
        if (actions.Count > 0)
        {
            card["actions"] = actions;
        }

        return card;
    }

    public static JsonObject TextBlock(
        string text,
        string? weight = null,
        string? size = null,
        string? color = null,
        bool subtle = false,
        string? spacing = null,
        bool monospace = false,
        int? maxLines = null)
    {
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true };
        Set(block, "weight", weight);
        Set(block, "size", size);
        Set(block, "color", color);
        Set(block, "spacing", spacing);
        if (subtle)
        {
            block["isSubtle"] = true;
        }

        if (monospace)
        {
            block["fontType"] = "Monospace";
        }

        if (maxLines is { } lines)
        {
            block["maxLines"] = lines;
        }

        return block;
    }

    public static JsonObject Heading(string text) => TextBlock(text, weight: "Bolder", spacing: "Medium");

    public static JsonObject FactSet(IEnumerable<(string Title, string Value)> facts) => new()
    {
        ["type"] = "FactSet",
        ["facts"] = new JsonArray([.. facts.Select(f => (JsonNode)new JsonObject { ["title"] = f.Title, ["value"] = f.Value })]),
    };

    public static JsonObject Container(IEnumerable<JsonNode> items, string? style = null, bool bleed = false, string? spacing = null)
    {
        var container = new JsonObject { ["type"] = "Container", ["items"] = new JsonArray([.. items]) };
        Set(container, "style", style);
        Set(container, "spacing", spacing);
        if (bleed)
        {
            container["bleed"] = true;
        }

        return container;
    }

    public static JsonObject ColumnSet(params JsonObject[] columns) => new()
    {
        ["type"] = "ColumnSet",
        ["columns"] = new JsonArray([.. columns]),
    };

    public static JsonObject Column(string width, params JsonObject[] items) => new()
    {
        ["type"] = "Column",
        ["width"] = width,
        ["items"] = new JsonArray([.. items]),
    };

    public static JsonObject OpenUrl(string title, string url, string? style = null)
    {
        var action = new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = title, ["url"] = url };
        Set(action, "style", style);
        return action;
    }

    public static JsonObject ActionSet(params JsonObject[] actions) => new()
    {
        ["type"] = "ActionSet",
        ["actions"] = new JsonArray([.. actions]),
    };

    /// <summary>Adds an element as a node: <c>JsonArray.Add&lt;T&gt;</c> would serialize it by reflection, which a native (trimmed) build cannot do.</summary>
    public static void Append(this JsonArray array, JsonNode element) => array.Add(element);

    /// <summary>A Table (1.5) with a header row; rows are already-escaped cell texts.</summary>
    public static JsonObject Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, int[] widths)
    {
        var allRows = new JsonArray(Row(headers, header: true));
        foreach (var row in rows)
        {
            allRows.Append(Row(row, header: false));
        }

        return new JsonObject
        {
            ["type"] = "Table",
            ["firstRowAsHeader"] = true,
            ["gridStyle"] = "accent",
            ["columns"] = new JsonArray([.. widths.Select(w => (JsonNode)new JsonObject { ["width"] = w })]),
            ["rows"] = allRows,
        };

        static JsonObject Row(IReadOnlyList<string> cells, bool header) => new()
        {
            ["type"] = "TableRow",
            ["cells"] = new JsonArray([.. cells.Select(c => (JsonNode)new JsonObject
            {
                ["type"] = "TableCell",
                ["items"] = new JsonArray(TextBlock(c, weight: header ? "Bolder" : null)),
            })]),
        };
    }

    /// <summary>The coloured band every card starts with: a small label, the title, a subtle line.</summary>
    public static JsonObject Header(string style, string color, string label, string title, string subtitle) => Container(
        [
            TextBlock(label, weight: "Bolder", size: "Small", color: color),
            TextBlock(title, weight: "Bolder", size: "Large", spacing: "None"),
            TextBlock(subtitle, subtle: true, spacing: "None"),
        ],
        style: style,
        bleed: true);

    /// <summary>Said once at the end of a card that had to be shortened.</summary>
    public static JsonObject TruncationNote() =>
        TextBlock("Some details were shortened to fit Teams; open the incident for everything.", size: "Small", subtle: true, spacing: "Medium");

    private static void Set(JsonObject target, string name, string? value)
    {
        if (value is not null)
        {
            target[name] = value;
        }
    }
}
