using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Teams;

namespace ImapAutomation.Cli.Demo;

/// <summary>
/// Follows one incident through the engine (its row and timeline, every 100 ms), prints each timeline entry once,
/// and plays the on-call approver: when a step waits for approval it is approved through the Approvals function.
/// </summary>
internal sealed class IncidentWatcher(LocalCloud cloud, TeamsSink sink, string incidentId, Action<string> say)
{
    private readonly List<string> _problems = [];
    private long _printed;
    private string? _approvedFor;

    public IReadOnlyList<string> Problems => _problems;

    /// <summary>The incident once it is closed (Resolved, Failed or Escalated).</summary>
    public async Task<Incident> FollowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var incident = await cloud.Engine.GetAsync(incidentId, cancellationToken).ConfigureAwait(false);
            if (incident is not null)
            {
                await PrintTimelineAsync(incident, cancellationToken).ConfigureAwait(false);
                if (incident.State == IncidentState.AwaitingApproval)
                {
                    await ApproveAsync(incident, cancellationToken).ConfigureAwait(false);
                }

                if (incident.IsClosed)
                {
                    return incident;
                }
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// When the Functions wiring posts cards (an <see cref="ITeamsNotifier"/> is registered), waits until the card of
    /// the closing state has arrived and no other follows for a moment; without a relay there is nothing to wait for.
    /// </summary>
    public async Task WaitForCardsAsync(Incident? final, CancellationToken cancellationToken)
    {
        if (final is null || !cloud.PostsCards)
        {
            if (!cloud.PostsCards)
            {
                say("no Teams relay is wired in the Functions app yet: no cards are posted");
            }

            return;
        }

        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var cards = sink.Cards;
            var quiet = cards.Count > 0 && DateTimeOffset.UtcNow - cards[^1].At > TimeSpan.FromSeconds(1.5);
            if (quiet && cards[^1].At >= final.StateChangedAt)
            {
                return;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        _problems.Add($"no card arrived for the {final.State} incident within 15 s");
    }

    private async Task PrintTimelineAsync(Incident incident, CancellationToken cancellationToken)
    {
        if (incident.TimelineCount <= _printed)
        {
            return;
        }

        foreach (var entry in await cloud.Engine.GetTimelineAsync(incidentId, cancellationToken).ConfigureAwait(false))
        {
            if (entry.Sequence > _printed)
            {
                say($"{incidentId}: {entry.Actor} {entry.What}{(entry.Detail is null ? "" : ": " + entry.Detail)}");
                _printed = entry.Sequence;
            }
        }
    }

    private async Task ApproveAsync(Incident incident, CancellationToken cancellationToken)
    {
        var step = $"{incident.Episode}/{incident.Attempt}/{incident.CurrentStep}";
        if (_approvedFor == step)
        {
            return;
        }

        // The link of the newest card that carries one, as an operator would click it; otherwise one issued like the card's.
        var fromCard = sink.Cards.Reverse()
            .Select(c => DemoRun.ApprovalLink().Match(c.Card.ToJsonString()))
            .FirstOrDefault(m => m.Success)?.Groups["token"].Value;
        var (status, page) = await cloud.ApproveAsync(incident, fromCard, cancellationToken).ConfigureAwait(false);
        _approvedFor = step;
        var runbook = incident.Plan[incident.CurrentStep].Runbook;
        if (status == 200)
        {
            say($"approver {LocalCloud.Approver} approved {runbook} (POST to the Approvals function{(fromCard is null ? "" : ", link from the card")})");
        }
        else
        {
            _problems.Add($"the Approvals function answered {status} to approving {runbook}");
            say($"approving {runbook} failed with {status}: {page}");
        }
    }
}
