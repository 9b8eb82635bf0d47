using System.Text.Json.Nodes;
using ImapAutomation.Core.Detection;
using Microsoft.Extensions.Options;
using static ImapAutomation.Core.Cards.AdaptiveElements;

namespace ImapAutomation.Core.Cards;

/// <summary>The card posted when an incident opens: what broke, where, the evidence, the plan and what is needed from people.</summary>
public sealed class IncidentCardBuilder(IOptions<CardOptions> options)
{
    private readonly CardOptions _options = CardOptionsGuard.Validated(options);

    public JsonObject Build(IncidentCardModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(model.IncidentId, nameof(model));
        ArgumentNullException.ThrowIfNull(model.Evidence, nameof(model));
        return CardFitter.Fit(_options, context => Build(context, model));
    }

    private static JsonObject Build(CardContext context, IncidentCardModel model)
    {
        var server = context.Text(model.Server, 120);
        var kind = CardVocabulary.KindName(model.Kind);
        var (style, color, label) = CardVocabulary.Severity(model.Severity);
        var diagnosis = Diagnosis(context, model, server);

        var body = new JsonArray(
            Header(style, color, $"{label} · {kind.ToUpperInvariant()}", server, $"Incident {context.Text(model.IncidentId, 80)} · {context.Text(model.State, 60)}"),
            TextBlock(diagnosis, spacing: "Medium"),
            Heading("Evidence"),
            FactSet(EvidenceFacts(context, model)));
        foreach (var node in PlanSection.Build(context, model.Plan))
        {
            body.Add(node);
        }

        if (context.Truncated)
        {
            body.Append(TruncationNote());
        }

        var actions = new JsonArray();
        if (LogsLink(context, model) is { } logs)
        {
            actions.Append(OpenUrl("Open in Log Analytics", logs));
        }

        if (model.RerunDiagnosticsUrl is not null)
        {
            actions.Append(OpenUrl("Re-run diagnostics", context.Link(model.RerunDiagnosticsUrl, nameof(model.RerunDiagnosticsUrl))));
        }

        actions.Append(OpenUrl("Open incident", context.Link(model.IncidentUrl, nameof(model.IncidentUrl))));
        return Card(context, body, actions, $"{label}: {diagnosis}");
    }

    /// <summary>"IMAP on ex01 has no usable TLS certificate: 4,812 Schannel 36888 decrypt_error alerts and 12 MSExchangeIMAP4 1102 since 09:14 UTC."</summary>
    private static string Diagnosis(CardContext context, IncidentCardModel model, string server)
    {
        var top = model.Evidence.Where(e => e is not null).OrderByDescending(e => e.Count).Take(3).ToList();
        var since = " since " + CardVocabulary.Time(model.FirstSeen, model.LastSeen);
        var counts = top.Count == 0
            ? CardVocabulary.Count(model.EventCount) + " events"
            : string.Join(", ", top.Take(top.Count - 1).Select(e => Phrase(context, e)))
              + (top.Count > 1 ? " and " : string.Empty) + Phrase(context, top[^1]);
        return $"{CardVocabulary.Problem(model.Kind, server)}: {counts}{since}.";
    }

    private static string Phrase(CardContext context, EvidenceItem item)
    {
        var phrase = $"{CardVocabulary.Count(item.Count)} {context.Text(item.Source, 60)} {item.EventId}";
        return item.TlsAlertName is null ? phrase : $"{phrase} {context.Text(item.TlsAlertName, 40)} alerts";
    }

    private static IEnumerable<(string, string)> EvidenceFacts(CardContext context, IncidentCardModel model)
    {
        var evidence = model.Evidence.Where(e => e is not null).OrderByDescending(e => e.Count).ToList();
        foreach (var item in context.Take(evidence, context.Budget.MaxFacts))
        {
            var value = CardVocabulary.Count(item.Count);
            if (item.TlsAlert is { } alert)
            {
                value += $" · TLS alert {alert} {context.Text(item.TlsAlertName, 40)}".TrimEnd();
            }

            if (item.ErrorState is not null)
            {
                value += $" · state {context.Text(item.ErrorState, 40)}";
            }

            yield return ($"{context.Text(item.Source, 60)} {item.EventId}", value);
        }

        if (evidence.Count > context.Budget.MaxFacts)
        {
            yield return ("More", $"{evidence.Count - context.Budget.MaxFacts} more sources on the incident page");
        }

        yield return ("Events", CardVocabulary.Count(model.EventCount));
        yield return ("Window", $"{CardVocabulary.Time(model.FirstSeen, model.LastSeen)} to {CardVocabulary.Time(model.LastSeen, model.LastSeen)}");
    }

    private static string? LogsLink(CardContext context, IncidentCardModel model)
    {
        var options = context.Options;
        if (options.LogAnalyticsWorkspaceResourceId is null || options.TenantId is null)
        {
            return null;
        }

        var query = LogAnalyticsLink.EvidenceQuery(model.Server, model.Evidence, model.FirstSeen, model.LastSeen);
        var link = LogAnalyticsLink.Build(options.TenantId, options.LogAnalyticsWorkspaceResourceId, query, model.FirstSeen.AddMinutes(-5), model.LastSeen.AddMinutes(5));
        return context.Link(link, "LogAnalyticsLink");
    }
}
