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

    public bool IsKnownServer(string server) =>
        Servers.Contains(server.Trim(), StringComparer.OrdinalIgnoreCase);
}
