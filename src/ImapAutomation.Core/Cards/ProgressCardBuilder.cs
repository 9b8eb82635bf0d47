using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using static ImapAutomation.Core.Cards.AdaptiveElements;

namespace ImapAutomation.Core.Cards;

/// <summary>A small update for the incident's thread: one headline and the plan as it stands now.</summary>
public sealed class ProgressCardBuilder(IOptions<CardOptions> options)
{
    private readonly CardOptions _options = CardOptionsGuard.Validated(options);

    public JsonObject Build(ProgressCardModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(model.IncidentId, nameof(model));
        return CardFitter.Fit(_options, context => Build(context, model));
    }

    private static JsonObject Build(CardContext context, ProgressCardModel model)
    {
        var headline = context.Text(model.Headline, 200);
        var body = new JsonArray(
            Header("accent", "Accent", "UPDATE", headline,
                $"{CardVocabulary.KindName(model.Kind)} on {context.Text(model.Server, 120)} · incident {context.Text(model.IncidentId, 80)}"));
        foreach (var node in PlanSection.Build(context, model.Plan))
        {
            body.Add(node);
        }

        if (context.Truncated)
        {
            body.Append(TruncationNote());
        }

        var actions = new JsonArray(OpenUrl("Open incident", context.Link(model.IncidentUrl, nameof(model.IncidentUrl))));
        return Card(context, body, actions, $"Update: {headline}");
    }
}
