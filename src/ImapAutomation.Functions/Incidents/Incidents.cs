using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ImapAutomation.Functions.Incidents;

/// <summary>Incidents as JSON for dashboards and scripts: <c>GET incidents/{server}/{kind}</c>, with the timeline.</summary>
public sealed class Incidents(IncidentEngine engine)
{
    [Function(nameof(Incidents))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "incidents/{server}/{kind}")] HttpRequest request,
        string server, string kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Enum.TryParse<IncidentKind>(kind, ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed))
        {
            return Problem.Create(StatusCodes.Status400BadRequest, "Unknown kind",
                $"'{kind}' is not an incident kind; use one of {string.Join(", ", Enum.GetNames<IncidentKind>())}.");
        }

        var id = IncidentIds.For(server.ToLowerInvariant(), parsed);
        var incident = await engine.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (incident is null)
        {
            return Problem.Create(StatusCodes.Status404NotFound, "No such incident", $"There is no incident {id}.");
        }

        var timeline = await engine.GetTimelineAsync(id, cancellationToken).ConfigureAwait(false);
        return new OkObjectResult(new { incident, timeline });
    }
}
