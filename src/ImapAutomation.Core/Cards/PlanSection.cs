using System.Globalization;
using System.Text.Json.Nodes;
using static ImapAutomation.Core.Cards.AdaptiveElements;

namespace ImapAutomation.Core.Cards;

/// <summary>The numbered plan with each step's status, and Approve / Reject links under a step that waits for them.</summary>
internal static class PlanSection
{
    public static IEnumerable<JsonNode> Build(CardContext context, IReadOnlyList<PlanStepModel> plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Count == 0)
        {
            yield break;
        }

        yield return Heading("Plan");
        var shown = context.Take(plan, context.Budget.MaxSteps);
        for (var i = 0; i < shown.Count; i++)
        {
            var step = shown[i] ?? throw new ArgumentException($"Plan step {i + 1} is null.", nameof(plan));
            var number = (i + 1).ToString(CultureInfo.InvariantCulture);
            var (status, color) = CardVocabulary.Status(step.Status);
            if (step.RequiresApproval && step.Status == PlanStepStatus.Pending)
            {
                status = "Pending approval";
            }

            yield return ColumnSet(
                Column("auto", TextBlock(number + ".", weight: "Bolder")),
                Column("stretch", TextBlock(context.Text(step.Title))),
                Column("auto", TextBlock(status, weight: "Bolder", color: color)));

            if (step.RequiresApproval && step.Status == PlanStepStatus.AwaitingApproval)
            {
                yield return ActionSet(
                    OpenUrl($"Approve step {number}", context.Link(step.ApproveUrl, $"Plan[{number}].ApproveUrl"), "positive"),
                    OpenUrl($"Reject step {number}", context.Link(step.RejectUrl, $"Plan[{number}].RejectUrl"), "destructive"));
            }
        }

        if (plan.Count > shown.Count)
        {
            yield return TextBlock($"and {(plan.Count - shown.Count).ToString(CultureInfo.InvariantCulture)} more steps on the incident page.", subtle: true);
        }
    }
}
