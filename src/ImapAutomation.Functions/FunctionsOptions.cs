using System.ComponentModel.DataAnnotations;

namespace ImapAutomation.Functions;

/// <summary>Settings of the HTTP surface (section <c>Functions</c>); defaults suit a fleet of a few dozen servers.</summary>
public sealed class FunctionsOptions
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

    /// <summary>UPNs allowed to approve risky steps (App Service authentication supplies the caller's UPN).</summary>
    public List<string> Approvers { get; set; } = [];

    /// <summary>How long an approval link on a card stays valid.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan ApprovalLinkLifetime { get; set; } = TimeSpan.FromHours(8);

    public bool IsApprover(string? upn) =>
        upn is not null && Approvers.Contains(upn.Trim(), StringComparer.OrdinalIgnoreCase);

    public bool IsKnownServer(string server) =>
        Servers.Contains(server.Trim(), StringComparer.OrdinalIgnoreCase);
}
