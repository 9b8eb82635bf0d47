using System.ComponentModel.DataAnnotations;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;

namespace ImapAutomation.Core.Policy;

/// <summary>
/// When the engine may act on its own. Documented with its defaults in docs/configuration.md, section "Policy";
/// validated on start so a bad deployment fails loudly instead of acting on a typo.
/// </summary>
public sealed class PolicyOptions : IValidatableObject
{
    public const string SectionName = "Policy";

    /// <summary>Per-runbook override of the catalog risk: true = needs approval, false = runs automatically.</summary>
    public Dictionary<string, bool> ApprovalRequired { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Minimum time between two attempts for one server and kind.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Attempts of the plan per incident episode before it escalates.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 2;

    /// <summary>Distinct servers needing the same change within <see cref="FleetWindow"/> that trip the breaker.</summary>
    [Range(2, 1000)]
    public int FleetBreakerServers { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan FleetWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Reopens within <see cref="FlapWindow"/> above which an incident escalates instead of looping.</summary>
    [Range(0, 100)]
    public int FlapMaxReopens { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan FlapWindow { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long a queued request stays valid (its expiresAt minus notBefore).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan RequestLifetime { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Server name (lowercase FQDN or short name) to its database availability group.</summary>
    public Dictionary<string, string> DatabaseAvailabilityGroups { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public List<MaintenanceWindow> MaintenanceWindows { get; set; } = [];

    /// <summary>Counter writes per incident are batched to at most one per this interval under a storm.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CounterFlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    public bool NeedsApproval(string runbook)
    {
        if (ApprovalRequired.TryGetValue(runbook, out var overridden))
        {
            return overridden;
        }

        return !RunbookCatalog.TryGet(runbook, out var definition) || definition.Risk == RunbookRisk.High;
    }

    public string? DagOf(string server)
    {
        if (DatabaseAvailabilityGroups.TryGetValue(server, out var dag))
        {
            return dag;
        }

        var dot = server.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && DatabaseAvailabilityGroups.TryGetValue(server[..dot], out dag) ? dag : null;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var runbook in ApprovalRequired.Keys.Where(r => !RunbookNames.All.Contains(r, StringComparer.Ordinal)))
        {
            yield return new($"Policy:ApprovalRequired names '{runbook}', which is not a catalog runbook.", [nameof(ApprovalRequired)]);
        }

        foreach (var (server, dag) in DatabaseAvailabilityGroups)
        {
            if (!ParameterValidator.IsHostName(server) || !ParameterValidator.IsHostName(dag))
            {
                yield return new($"Policy:DatabaseAvailabilityGroups entry '{server}' = '{dag}' is not a host name and a DAG name.", [nameof(DatabaseAvailabilityGroups)]);
            }
        }

        for (var i = 0; i < MaintenanceWindows.Count; i++)
        {
            var window = MaintenanceWindows[i];
            if (window.End <= window.Start)
            {
                yield return new($"Policy:MaintenanceWindows:{i} ends before it starts.", [nameof(MaintenanceWindows)]);
            }

            if (window.Servers.Count == 0 || window.Servers.Any(s => s != "*" && !ParameterValidator.IsHostName(s)))
            {
                yield return new($"Policy:MaintenanceWindows:{i} needs Servers: host names or '*'.", [nameof(MaintenanceWindows)]);
            }
        }
    }
}

/// <summary>A planned window in which detection goes on but no runbook is queued for the listed servers.</summary>
public sealed class MaintenanceWindow
{
    public string Name { get; set; } = "maintenance";

    /// <summary>Host names as in the incidents, or <c>*</c> for the whole fleet.</summary>
    public List<string> Servers { get; set; } = [];

    public DateTimeOffset Start { get; set; }

    public DateTimeOffset End { get; set; }

    public bool Covers(string server, DateTimeOffset at) =>
        at >= Start && at < End && Servers.Any(s => s == "*" || string.Equals(s, server, StringComparison.OrdinalIgnoreCase));
}
