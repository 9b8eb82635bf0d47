using System.Text.Json;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Functions.Approvals;
using ImapAutomation.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ImapAutomation.Functions.Incidents;

/// <summary>
/// What an approver does to an incident by hand, with a reason (<c>{"reason":"..."}</c>) recorded on its timeline:
/// <c>POST incidents/{server}/{kind}/resolve</c> closes it, <c>.../rerun</c> starts one fresh attempt of a Failed or
/// Escalated incident's plan.
/// </summary>
public sealed class IncidentActions(IncidentEngine engine, IApproverCheck approvers, CallerReader callers)
{
    private const string ResolveFunction = "ResolveIncident";
    private const string RerunFunction = "RerunIncident";
    private const long MaxBodyBytes = 4 * 1024;
    private static readonly string[] MediaTypes = ["application/json"];

    [Function(ResolveFunction)]
    public Task<IActionResult> Resolve(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "incidents/{server}/{kind}/resolve")] HttpRequest request,
        string server, string kind, CancellationToken cancellationToken) =>
        ActAsync(request, ResolveFunction, server, kind, engine.ResolveAsync, cancellationToken);

    [Function(RerunFunction)]
    public Task<IActionResult> Rerun(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "incidents/{server}/{kind}/rerun")] HttpRequest request,
        string server, string kind, CancellationToken cancellationToken) =>
        ActAsync(request, RerunFunction, server, kind, engine.RerunAsync, cancellationToken);

    private async Task<IActionResult> ActAsync(
        HttpRequest request, string function, string server, string kind,
        Func<string, string, string, CancellationToken, Task<IncidentChange>> act, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IncidentIds.TryParse($"{server}/{kind}", out var host, out var parsed))
        {
            return Problem.Create(StatusCodes.Status404NotFound, "No such incident", $"'{server}/{kind}' is not a server and incident kind.");
        }

        var id = IncidentIds.For(host, parsed);

        var read = callers.Read(request, function);
        if (read.Caller is not { } caller)
        {
            return Problem.Create(read.Status, read.Title, read.Error!);
        }

        if (!caller.IsPerson)
        {
            return Problem.Create(StatusCodes.Status401Unauthorized, "Sign in", "Resolve and rerun are for a signed-in approver (App Service authentication); a function key alone is not enough.");
        }

        if (!await approvers.IsApproverAsync(caller.Upn, cancellationToken).ConfigureAwait(false))
        {
            return Problem.Create(StatusCodes.Status403Forbidden, "Not an approver", $"{caller.Upn} is not an approver ({approvers.Source}).");
        }

        var (body, bodyError) = await RequestBody.ReadAsync(request, MaxBodyBytes, MediaTypes, cancellationToken).ConfigureAwait(false);
        if (bodyError is not null)
        {
            return bodyError;
        }

        string? reason;
        try
        {
            using var document = JsonDocument.Parse(body);
            reason = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("reason", out var value)
                && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            reason = null;
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Length > IncidentEngine.MaxReasonLength || reason.Any(char.IsControl))
        {
            return Problem.Create(StatusCodes.Status400BadRequest, "Reason required",
                $"Send {{\"reason\":\"...\"}}: 1 to {IncidentEngine.MaxReasonLength} printable characters, recorded on the timeline.");
        }

        if (await engine.GetAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            return Problem.Create(StatusCodes.Status404NotFound, "No such incident", $"There is no incident {id}.");
        }

        var change = await act(id, caller.Upn, reason, cancellationToken).ConfigureAwait(false);
        return change.Ignored is { } ignored
            ? Problem.Create(StatusCodes.Status409Conflict, "Not possible now", ignored)
            : new OkObjectResult(new
            {
                incidentId = id,
                state = change.Incident!.State.ToString(),
                stateReason = change.Incident.StateReason,
                attempt = change.Incident.Attempt,
                queued = change.QueuedRequestIds,
                by = caller.Upn,
            });
    }
}
