using System.Text.Json.Nodes;

namespace ImapAutomation.Cli.Demo;

/// <summary>Draws each posted card to PNG with tools/node/render-card.mjs (the official renderer, Teams host config, Chromium).</summary>
internal static class CardRenderer
{
    public static async Task RenderAllAsync(DemoPaths paths, IReadOnlyList<PostedCard> cards, Action<string> say, CancellationToken cancellationToken)
    {
        if (cards.Count == 0)
        {
            return;
        }

        if (!File.Exists(paths.CardRenderer))
        {
            say($"cards not drawn: {paths.CardRenderer} is missing (run scripts/bootstrap.sh)");
            return;
        }

        foreach (var card in cards)
        {
            var png = Path.ChangeExtension(card.JsonPath, ".png");
            var (exit, output) = await Cards.CardsCommand.RunNodeAsync([paths.CardRenderer, card.JsonPath, png], cancellationToken).ConfigureAwait(false);
            var report = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
            var ok = exit == 0 && report is not null && JsonNode.Parse(report)?["ok"]?.GetValue<bool>() == true;
            if (ok)
            {
                card.PngPath = png;
                say($"card {card.Number} drawn: {png}");
            }
            else
            {
                say($"card {card.Number} could not be drawn (exit {exit}): {report ?? output.Trim()}");
            }
        }
    }
}
