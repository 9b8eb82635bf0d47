using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using static ImapAutomation.Core.Cards.AdaptiveElements;

namespace ImapAutomation.Core.Cards;

/// <summary>The card posted after a runbook ran: what changed (before/after), how the fix was verified, who approved it.</summary>
public sealed class ResultCardBuilder(IOptions<CardOptions> options)
{
    private static readonly string[] ChangeHeaders = ["What", "Before", "After"];
    private readonly CardOptions _options = CardOptionsGuard.Validated(options);

    public JsonObject Build(ResultCardModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(model.IncidentId, nameof(model));
        ArgumentNullException.ThrowIfNull(model.Changes, nameof(model));
        ArgumentNullException.ThrowIfNull(model.Verification, nameof(model));
        return CardFitter.Fit(_options, context => Build(context, model));
    }

    private static JsonObject Build(CardContext context, ResultCardModel model)
    {
        var server = context.Text(model.Server, 120);
        var kind = CardVocabulary.KindName(model.Kind);
        var (style, color, label) = model.Succeeded ? ("good", "Good", "RESOLVED") : ("attention", "Attention", "FIX FAILED");
        var approvedBy = model.ApprovedBy is null ? "no approval needed" : "approved by " + context.Text(model.ApprovedBy, 120);
        var body = new JsonArray(
            Header(style, color, $"{label} · {kind.ToUpperInvariant()}", server,
                $"Incident {context.Text(model.IncidentId, 80)} · took {CardVocabulary.Duration(model.Duration)} · {approvedBy}"),
            Heading("What changed"));
        body.Append(Changes(context, model));
        AddStateChanges(context, model, body);
        body.Append(Heading("Verification"));
        body.Append(TextBlock(
            model.Verification.Passed ? "IMAPS handshake succeeded after the fix." : "IMAPS handshake still fails after the fix.",
            weight: "Bolder",
            color: model.Verification.Passed ? "Good" : "Attention"));
        body.Append(FactSet(VerificationFacts(context, model.Verification)));
        if (context.Truncated)
        {
            body.Append(TruncationNote());
        }

        var actions = new JsonArray(OpenUrl("Open incident", context.Link(model.IncidentUrl, nameof(model.IncidentUrl))));
        return Card(context, body, actions, $"{label}: {kind} on {server}");
    }

    private static JsonObject Changes(CardContext context, ResultCardModel model)
    {
        if (model.Changes.Count == 0)
        {
            return TextBlock("No configuration was changed.", subtle: true);
        }

        var rows = context.Take(model.Changes, context.Budget.MaxRows)
            .Select(c => (IReadOnlyList<string>)[context.Text(c?.Item, 80), context.Text(c?.Before, 200), context.Text(c?.After, 200)])
            .ToList();
        if (context.SupportsTable)
        {
            return Table(ChangeHeaders, rows, [1, 1, 1]);
        }

        // Schema 1.4 has no Table: the same rows as a fact per change.
        return FactSet(rows.Select(r => (r[0], $"{r[1]} → {r[2]}")));
    }

    /// <summary>Per step, the values it changed as a fact set: property → "before → after", all as escaped plain text.</summary>
    private static void AddStateChanges(CardContext context, ResultCardModel model, JsonArray body)
    {
        foreach (var change in context.Take(model.Changes, context.Budget.MaxRows))
        {
            if (change?.State is not { Count: > 0 } state)
            {
                continue;
            }

            var facts = context.Take(state, context.Budget.MaxFacts);
            body.Append(TextBlock(context.Text(change.Item, 80) + ": values changed", weight: "Bolder", spacing: "Small"));
            body.Append(FactSet(facts.Select(f => (context.Text(f?.Property, 60), $"{Value(context, f?.Before)} → {Value(context, f?.After)}"))));
            var hidden = state.Count - facts.Count + Math.Max(change.StateOmitted, 0);
            if (hidden > 0)
            {
                context.MarkTruncated();
                body.Append(TextBlock($"{hidden.ToString(CultureInfo.InvariantCulture)} more changed values not shown", subtle: true, spacing: "None"));
            }
        }
    }

    private static string Value(CardContext context, string? value) => value is null ? "(not set)" : context.Text(value, 100);

    private static IEnumerable<(string, string)> VerificationFacts(CardContext context, VerificationModel verification)
    {
        if (verification.CertificateSubject is not null)
        {
            yield return ("Certificate", context.Text(verification.CertificateSubject, 200));
        }

        if (verification.Thumbprint is not null)
        {
            yield return ("Thumbprint", context.Text(verification.Thumbprint, 80));
        }

        if (verification.NotAfter is { } notAfter)
        {
            yield return ("Expires", notAfter.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        }

        if (verification.Protocol is not null)
        {
            yield return ("Protocol", context.Text(verification.Protocol, 40));
        }

        if (verification.Detail is not null)
        {
            yield return ("Detail", context.Text(verification.Detail));
        }
    }
}
