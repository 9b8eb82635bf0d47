using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using static ImapAutomation.Core.Cards.AdaptiveElements;

namespace ImapAutomation.Core.Cards;

/// <summary>The card posted when automation hands an incident to a person: why it stopped and the exact commands to run.</summary>
public sealed class EscalationCardBuilder(IOptions<CardOptions> options)
{
    private readonly CardOptions _options = CardOptionsGuard.Validated(options);

    public JsonObject Build(EscalationCardModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(model.IncidentId, nameof(model));
        ArgumentNullException.ThrowIfNull(model.ManualCommands, nameof(model));
        return CardFitter.Fit(_options, context => Build(context, model));
    }

    private static JsonObject Build(CardContext context, EscalationCardModel model)
    {
        var server = context.Text(model.Server, 120);
        var kind = CardVocabulary.KindName(model.Kind);
        // Under the fleet breaker nothing was tried on this server: counting attempts would mislead.
        var stopped = model.Reason is EscalationReason.CircuitBreakerOpen or EscalationReason.FleetBreakerHeld
            ? "automatic changes paused fleet-wide"
            : $"automation stopped after {model.Attempts.ToString(CultureInfo.InvariantCulture)} attempts";
        var body = new JsonArray(
            Header("attention", "Attention", $"NEEDS A PERSON · {kind.ToUpperInvariant()}", server,
                $"Incident {context.Text(model.IncidentId, 80)} · {stopped}"),
            Heading("Why automation stopped"),
            TextBlock(CardVocabulary.Reason(model.Reason, model.Attempts)));
        if (!string.IsNullOrWhiteSpace(model.Detail))
        {
            body.Append(TextBlock(context.Text(model.Detail), subtle: true, spacing: "Small"));
        }

        body.Append(Heading("What to do by hand"));
        if (model.ManualCommands.Count == 0)
        {
            body.Append(TextBlock("The runbook has no manual steps; open the incident and follow its plan.", subtle: true));
        }

        var commands = context.Take(model.ManualCommands, context.Budget.MaxCommands);
        for (var i = 0; i < commands.Count; i++)
        {
            body.Append(ColumnSet(
                Column("auto", TextBlock((i + 1).ToString(CultureInfo.InvariantCulture) + ".", weight: "Bolder")),
                Column("stretch", TextBlock(context.Text(commands[i], context.Budget.MaxCommandLength), monospace: true))));
        }

        if (context.Truncated)
        {
            body.Append(TruncationNote());
        }

        var actions = new JsonArray(OpenUrl("Open incident", context.Link(model.IncidentUrl, nameof(model.IncidentUrl))));
        if (model.FleetIncidentUrl is { } fleet)
        {
            actions.Append(OpenUrl("Open fleet escalation", context.Link(fleet, nameof(model.FleetIncidentUrl))));
        }

        return Card(context, body, actions, $"Needs a person: {kind} on {server}");
    }
}
