using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImapAutomation.Core.Cards;

/// <summary>How much of each list and text a card may show; a builder is re-run with a smaller budget until the card fits.</summary>
internal sealed record CardBudget(int MaxText, int MaxFacts, int MaxSteps, int MaxCommands, int MaxCommandLength, int MaxRows)
{
    public static readonly IReadOnlyList<CardBudget> Levels =
    [
        new(MaxText: 600, MaxFacts: 12, MaxSteps: 12, MaxCommands: 12, MaxCommandLength: 1000, MaxRows: 15),
        new(MaxText: 240, MaxFacts: 6, MaxSteps: 8, MaxCommands: 6, MaxCommandLength: 400, MaxRows: 8),
        new(MaxText: 100, MaxFacts: 3, MaxSteps: 4, MaxCommands: 3, MaxCommandLength: 160, MaxRows: 4),
    ];
}

/// <summary>One build of one card: the options, the budget, and whether anything had to be cut.</summary>
internal sealed class CardContext(CardOptions options, CardBudget budget)
{
    private bool _truncated;

    public CardOptions Options { get; } = options;

    public CardBudget Budget { get; } = budget;

    public bool Truncated => _truncated;

    public bool SupportsTable => Options.SchemaVersion == "1.5";

    /// <summary>Untrusted text, escaped and cut to the budget (or to <paramref name="maxLength"/>).</summary>
    public string Text(string? untrusted, int? maxLength = null) => CardText.Escape(untrusted, maxLength ?? Budget.MaxText, ref _truncated);

    public string Link(Uri? link, string field) => CardLinks.Require(link, field, Options);

    /// <summary>The first <paramref name="max"/> items; records the cut when there were more.</summary>
    public IReadOnlyList<T> Take<T>(IReadOnlyList<T> items, int max)
    {
        if (items.Count <= max)
        {
            return items;
        }

        _truncated = true;
        return [.. items.Take(max)];
    }

    public void MarkTruncated() => _truncated = true;
}

/// <summary>Runs a card builder at falling budgets until the card fits the configured size.</summary>
internal static class CardFitter
{
    public static JsonObject Fit(CardOptions options, Func<CardContext, JsonObject> build)
    {
        ArgumentNullException.ThrowIfNull(options);
        var last = 0;
        foreach (var budget in CardBudget.Levels)
        {
            var card = build(new CardContext(options, budget));
            last = Size(card);
            if (last <= options.MaxCardBytes)
            {
                return card;
            }
        }

        throw new InvalidOperationException(
            $"The card is {last} bytes even at its smallest budget; {CardOptions.SectionName}:{nameof(CardOptions.MaxCardBytes)} is {options.MaxCardBytes}.");
    }

    public static int Size(JsonNode card) => JsonSerializer.SerializeToUtf8Bytes(card, CardJsonContext.Default.JsonNode).Length;
}
