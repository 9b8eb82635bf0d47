using System.Net;
using ImapAutomation.Core.Approvals;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ImapAutomation.Functions.Approvals;

/// <summary>
/// The signed links on incident cards. GET only shows a confirmation page, because mail and chat scanners fetch links
/// on their own; the decision is a POST by a signed-in approver. A link is bound to one step and spent once decided.
/// </summary>
public sealed class Approvals(ApprovalTokens tokens, IncidentEngine engine, IApproverCheck approvers, CallerReader callers)
{
    /// <summary>The caller's UPN, set by App Service authentication (Entra ID) in front of the app.</summary>
    public const string PrincipalHeader = CallerIdentity.PrincipalNameHeader;

    [Function(nameof(Approvals))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "approvals/{token}")] HttpRequest request,
        string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (claims, error) = tokens.Validate(token);
        if (claims is null)
        {
            return Page(StatusCodes.Status400BadRequest, "This approval link cannot be used", error!, form: null);
        }

        var incident = await engine.GetAsync(claims.IncidentId, cancellationToken).ConfigureAwait(false);
        if (incident is null || !claims.Matches(incident))
        {
            return Page(StatusCodes.Status409Conflict, "Already decided",
                $"Step {claims.Step + 1} ({claims.Runbook}) of {claims.IncidentId} is no longer waiting for approval; the link is spent.", form: null);
        }

        if (HttpMethods.IsGet(request.Method))
        {
            return Page(StatusCodes.Status200OK, $"Approve {claims.Runbook} on {incident.Server}?",
                $"Incident {incident.Id}, step {claims.Step + 1} of {incident.Plan.Count}, needs an approver. Nothing happens until you choose.",
                form: token);
        }

        var read = callers.Read(request, nameof(Approvals));
        if (read.Caller is not { } caller)
        {
            return Page(read.Status, read.Title, read.Error!, form: null);
        }

        if (!caller.IsPerson || !await approvers.IsApproverAsync(caller.Upn, cancellationToken).ConfigureAwait(false))
        {
            return Page(StatusCodes.Status403Forbidden, "Not an approver",
                !caller.IsPerson ? "Sign in first (App Service authentication)." : $"{caller.Upn} is not an approver ({approvers.Source}).", form: null);
        }

        var upn = caller.Upn;

        var form = request.HasFormContentType ? await request.ReadFormAsync(cancellationToken).ConfigureAwait(false) : null;
        var decision = form?["decision"].ToString();
        var change = decision switch
        {
            "approve" => await engine.ApproveAsync(incident.Id, upn, cancellationToken).ConfigureAwait(false),
            "reject" => await engine.RejectAsync(incident.Id, upn, form?["reason"].ToString(), cancellationToken).ConfigureAwait(false),
            _ => null,
        };
        if (change is null)
        {
            return Page(StatusCodes.Status400BadRequest, "No decision", "Send decision=approve or decision=reject as a form field.", form: null);
        }

        return change.Ignored is { } ignored
            ? Page(StatusCodes.Status409Conflict, "Already decided", ignored, form: null)
            : Page(StatusCodes.Status200OK, decision == "approve" ? "Approved" : "Rejected",
                $"{claims.Runbook} on {incident.Server}: {decision}d by {upn}. The incident is now {change.Incident?.State}.", form: null);
    }

    private static ContentResult Page(int status, string title, string message, string? form)
    {
        var buttons = form is null ? "" : $"""
            <form method="post" action="{WebUtility.HtmlEncode(Uri.EscapeDataString(form))}">
              <label>Reason (for a rejection) <input name="reason" maxlength="500"></label>
              <button name="decision" value="approve" id="approve">Approve</button>
              <button name="decision" value="reject" id="reject">Reject</button>
            </form>
            """;
        return new ContentResult
        {
            StatusCode = status,
            ContentType = "text/html; charset=utf-8",
            Content = $"""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>{WebUtility.HtmlEncode(title)}</title>
                <meta name="referrer" content="no-referrer"></head>
                <body><h1 id="title">{WebUtility.HtmlEncode(title)}</h1><p id="message">{WebUtility.HtmlEncode(message)}</p>{buttons}</body></html>
                """,
        };
    }
}
