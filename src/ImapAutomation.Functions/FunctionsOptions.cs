using System.ComponentModel.DataAnnotations;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Functions.Approvals;
using ImapAutomation.Functions.Http;

namespace ImapAutomation.Functions;

/// <summary>Settings of the HTTP surface (section <c>Functions</c>); defaults suit a fleet of a few dozen servers.</summary>
public sealed class FunctionsOptions : IValidatableObject
{
    public const string SectionName = "Functions";

    /// <summary>Largest accepted body on the push and alert paths; forwarders split larger batches.</summary>
    [Range(1024, 64L * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>
    /// The Exchange servers this deployment acts on (FQDNs, case-insensitive). Events for other computers are rejected
    /// with a reason, and no runbook targets a server outside this list.
    /// </summary>
    [MinLength(1)]
    public List<string> Servers { get; set; } = [];

    /// <summary>
    /// The same list as one comma-separated value (what infra sets, from <c>EXCHANGE_SERVERS</c>); added to
    /// <see cref="Servers"/> on start.
    /// </summary>
    public string? ServerList { get; set; }

    /// <summary>UPNs allowed to approve risky steps (App Service authentication supplies the caller's UPN).</summary>
    public List<string> Approvers { get; set; } = [];

    /// <summary>Who may approve: this list (<see cref="ApproverSource.List"/>) or the Entra operators' group via Graph.</summary>
    public ApproverSource ApproverSource { get; set; } = ApproverSource.List;

    /// <summary>
    /// <c>requestedBy</c> of a runbook triggered with a function key and no signed-in caller. Never an approver, so such
    /// a run of a risky runbook waits for one. Must look like a UPN (the worker checks it); <c>.invalid</c> cannot be a real user.
    /// </summary>
    public string FunctionKeyIdentity { get; set; } = "function-key@imapautomation.invalid";

    /// <summary>
    /// When the caller identity headers are believed: <see cref="IdentityHeaderTrust.AppServiceAuthentication"/> (only with
    /// App Service authentication on, which strips forged ones) or <see cref="IdentityHeaderTrust.Trusted"/> (a local run only).
    /// </summary>
    public IdentityHeaderTrust IdentityHeaders { get; set; } = IdentityHeaderTrust.AppServiceAuthentication;

    /// <summary>How long an approval link on a card stays valid.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan ApprovalLinkLifetime { get; set; } = TimeSpan.FromHours(8);

    public bool IsApprover(string? upn) =>
        upn is not null && Approvers.Contains(upn.Trim(), StringComparer.OrdinalIgnoreCase);

    public bool IsKnownServer(string server) =>
        Servers.Contains(server.Trim(), StringComparer.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!ParameterValidator.IsPrincipal(FunctionKeyIdentity) || FunctionKeyIdentity == "system")
        {
            yield return new($"Functions:FunctionKeyIdentity {ParameterValidator.Show(FunctionKeyIdentity)} must look like a UPN (user@domain).", [nameof(FunctionKeyIdentity)]);
        }

        if (Approvers.Contains(FunctionKeyIdentity, StringComparer.OrdinalIgnoreCase))
        {
            yield return new("Functions:Approvers must not list Functions:FunctionKeyIdentity: a function key never approves.", [nameof(Approvers)]);
        }

        if (!Enum.IsDefined(ApproverSource))
        {
            yield return new($"Functions:ApproverSource must be {string.Join(" or ", Enum.GetNames<ApproverSource>())}.", [nameof(ApproverSource)]);
        }

        if (!Enum.IsDefined(IdentityHeaders))
        {
            yield return new($"Functions:IdentityHeaders must be {string.Join(" or ", Enum.GetNames<IdentityHeaderTrust>())}.", [nameof(IdentityHeaders)]);
        }
    }
}
