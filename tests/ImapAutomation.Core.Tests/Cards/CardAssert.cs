using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ImapAutomation.Testing;
using Json.Schema;

namespace ImapAutomation.Core.Tests.Cards;

/// <summary>Checks a card the way Teams would meet it: the official 1.5 schema, and the text a markdown host would render.</summary>
internal static partial class CardAssert
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(RepoPaths.InRoot("tests", "ImapAutomation.Core.Tests", "Cards", "schemas", "adaptive-card-1.5.0.json"))));

    public static void ValidAgainstSchema(JsonNode card)
    {
        using var document = JsonDocument.Parse(card.ToJsonString());
        var result = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, "Card does not match the Adaptive Card 1.5 schema:\n" + Errors(result) + "\n" + card.ToJsonString());
    }

    public static bool IsValid(JsonNode card)
    {
        using var document = JsonDocument.Parse(card.ToJsonString());
        return Schema.Value.Evaluate(document.RootElement).IsValid;
    }

    /// <summary>Every string a host shows or follows: text, titles, fact values, fallback text and URLs.</summary>
    public static IEnumerable<(string Property, string Value)> Strings(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (value is JsonValue v && v.TryGetValue<string>(out var s))
                    {
                        yield return (name, s);
                    }
                    else
                    {
                        foreach (var inner in Strings(value))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    foreach (var inner in Strings(item))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }

    public static IEnumerable<string> Texts(JsonNode card) =>
        Strings(card).Where(p => p.Property is "text" or "title" or "value" or "fallbackText").Select(p => p.Value);

    public static IEnumerable<string> Urls(JsonNode card) => Strings(card).Where(p => p.Property == "url").Select(p => p.Value);

    /// <summary>What a CommonMark host shows for escaped text: backslash escapes removed.</summary>
    public static string Rendered(string markdown) => EscapeRegex().Replace(markdown, "$1");

    /// <summary>True when the text has markdown a host would act on: an unescaped emphasis, link, code or HTML character.</summary>
    public static bool HasLiveMarkdown(string text) => LiveMarkdownRegex().IsMatch(text);

    public static int Size(JsonNode card) => System.Text.Encoding.UTF8.GetByteCount(card.ToJsonString());

    private static string Errors(EvaluationResults result) => string.Join('\n', (result.Details ?? [])
        .Where(d => d.Errors is { Count: > 0 })
        .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}"))
        .Take(20));

    [GeneratedRegex("\\\\([!-/:-@\\[-`{-~])")]
    private static partial Regex EscapeRegex();

    [GeneratedRegex("(?<!\\\\)(?:\\\\\\\\)*[*_`\\[\\]<>~|&]")]
    private static partial Regex LiveMarkdownRegex();
}
