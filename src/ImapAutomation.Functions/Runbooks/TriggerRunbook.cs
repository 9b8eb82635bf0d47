using System.Text.Json;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Functions.Approvals;
using ImapAutomation.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Functions.Runbooks;

/// <summary>
/// An operator runs a catalog runbook on a server: <c>POST runbooks/{name}</c> with
/// <c>{"server":..., "parameters":{...}, "whatIf":bool}</c>. Policy applies as to the engine's own steps; the run
/// is the server's <c>OperatorRequest</c> incident. An <c>Idempotency-Key</c> header makes retries safe.
/// </summary>
public sealed class TriggerRunbook(IncidentEngine engine, IApproverCheck approvers, CallerReader callers, IOptions<FunctionsOptions> options)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const long MaxBodyBytes = 16 * 1024;
    private static readonly string[] MediaTypes = ["application/json"];
    private static readonly string[] Properties = ["server", "parameters", "whatIf"];

    [Function(nameof(TriggerRunbook))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "runbooks/{name}")] HttpRequest request,
        string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!RunbookCatalog.TryGet(name, out _))
        {
            return Problem.Create(StatusCodes.Status404NotFound, "Unknown runbook",
                $"{ParameterValidator.Show(name)} is not a catalog runbook; use one of {string.Join(", ", RunbookNames.All)}.");
        }

        var read = callers.Read(request, nameof(TriggerRunbook));
        if (read.Caller is not { } caller)
        {
            return Problem.Create(read.Status, read.Title, read.Error!);
        }

        var key = request.Headers[IdempotencyKeyHeader].ToString();
        if (key.Length > 0 && !OperatorRun.IsWellFormedKey(key))
        {
            return Problem.Create(StatusCodes.Status400BadRequest, "Bad Idempotency-Key",
                $"The {IdempotencyKeyHeader} header must be 1 to {OperatorRun.MaxKeyLength} letters, digits or -_.: (a GUID fits).");
        }

        var (body, bodyError) = await RequestBody.ReadAsync(request, MaxBodyBytes, MediaTypes, cancellationToken).ConfigureAwait(false);
        if (bodyError is not null)
        {
            return bodyError;
        }

        var (trigger, problem) = Parse(body!);
        if (trigger is null)
        {
            return Problem.Create(StatusCodes.Status400BadRequest, "Not a usable trigger", problem!);
        }

        if (!ParameterValidator.IsHostName(trigger.Server) || !options.Value.IsKnownServer(trigger.Server))
        {
            return Problem.Create(StatusCodes.Status400BadRequest, "Server not allowed",
                $"$.server {ParameterValidator.Show(trigger.Server)} is not one of the servers in Functions:Servers.");
        }

        var isApprover = caller.IsPerson && await approvers.IsApproverAsync(caller.Upn, cancellationToken).ConfigureAwait(false);
        var outcome = await engine.RequestRunAsync(
            new OperatorRun(name, trigger.Server, trigger.Parameters, trigger.WhatIf, caller.Upn, isApprover, key.Length > 0 ? key : null),
            cancellationToken).ConfigureAwait(false);
        var reasons = new Dictionary<string, object?> { ["errors"] = outcome.Reasons };
        return outcome.Status switch
        {
            OperatorRunStatus.Accepted or OperatorRunStatus.Duplicate => new ObjectResult(new
            {
                incidentId = outcome.Incident!.Id,
                episode = outcome.Incident.Episode,
                requestId = outcome.RequestId,
                state = outcome.Incident.State.ToString(),
                stateReason = outcome.Incident.StateReason,
                requestedBy = caller.Upn,
                approvedBy = outcome.Incident.ApprovedBy,
                duplicate = outcome.Status == OperatorRunStatus.Duplicate,
                incident = $"incidents/{outcome.Incident.Server}/{IncidentKind.OperatorRequest}",
            }) { StatusCode = StatusCodes.Status202Accepted },
            OperatorRunStatus.UnknownRunbook => Problem.Create(StatusCodes.Status404NotFound, "Unknown runbook", string.Join("; ", outcome.Reasons), reasons),
            OperatorRunStatus.Refused => Problem.Create(StatusCodes.Status409Conflict, "Not now", string.Join("; ", outcome.Reasons), reasons),
            _ => Problem.Create(StatusCodes.Status400BadRequest, "Invalid request", string.Join("; ", outcome.Reasons), reasons),
        };
    }

    private static (Trigger? Trigger, string? Problem) Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "The body must be a JSON object.");
            }

            foreach (var property in root.EnumerateObject().Where(p => !Properties.Contains(p.Name, StringComparer.Ordinal)))
            {
                return (null, $"$.{ParameterValidator.Show(property.Name)} is not a property; send {string.Join(", ", Properties)}.");
            }

            if (!root.TryGetProperty("server", out var server) || server.ValueKind != JsonValueKind.String)
            {
                return (null, "$.server must be a string: the target server's name.");
            }

            var parameters = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            if (root.TryGetProperty("parameters", out var values) && values.ValueKind != JsonValueKind.Null)
            {
                if (values.ValueKind != JsonValueKind.Object)
                {
                    return (null, "$.parameters must be an object of parameter names to values.");
                }

                foreach (var value in values.EnumerateObject())
                {
                    // The validator names every case-insensitive duplicate; an exact duplicate would be lost here, so it is refused now.
                    if (!parameters.TryAdd(value.Name, value.Value.Clone()))
                    {
                        return (null, $"$.parameters.{ParameterValidator.Show(value.Name)} is given twice.");
                    }
                }
            }

            var whatIf = false;
            if (root.TryGetProperty("whatIf", out var flag) && flag.ValueKind != JsonValueKind.Null)
            {
                if (flag.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    return (null, "$.whatIf must be true or false.");
                }

                whatIf = flag.GetBoolean();
            }

            return (new Trigger(server.GetString()!, parameters, whatIf), null);
        }
        catch (JsonException ex)
        {
            return (null, $"The body is not JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}.");
        }
    }

    private sealed record Trigger(string Server, Dictionary<string, JsonElement> Parameters, bool WhatIf);
}
