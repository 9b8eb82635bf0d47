using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;

namespace ImapAutomation.Core.Cards;

/// <summary>Card settings (section <c>Cards</c>); validated on start and again by the builders before any link is emitted.</summary>
public sealed class CardOptions : IValidatableObject
{
    public const string SectionName = "Cards";

    /// <summary>1.5 for Graph posts; 1.4 where the transport needs it (Workflows webhooks on older clients).</summary>
    [Required]
    [RegularExpression("^1\\.[45]$", ErrorMessage = "SchemaVersion must be 1.4 or 1.5.")]
    public string SchemaVersion { get; set; } = "1.5";

    /// <summary>Hosts a card may link to (exact, case-insensitive). Every URL in a card must be https on one of them.</summary>
    [MinLength(1)]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The list is a List<string>: MinLength counts it through ICollection, never by reflection.")]
    public IList<string> AllowedLinkHosts { get; } = ["portal.azure.com"];

    /// <summary>The card's size budget in UTF-8 bytes. Teams takes about 28 KB per message; Graph sends the card as an escaped string, hence the margin.</summary>
    [Range(4 * 1024, 28 * 1024)]
    public int MaxCardBytes { get; set; } = 24 * 1024;

    /// <summary>The workspace whose Event table holds the evidence; without it the card has no Log Analytics button.</summary>
    [RegularExpression("^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.OperationalInsights/workspaces/[^/]+$",
        ErrorMessage = "LogAnalyticsWorkspaceResourceId must be a workspace resource ID.")]
    public string? LogAnalyticsWorkspaceResourceId { get; set; }

    /// <summary>The Entra tenant (GUID or domain) the portal link opens in.</summary>
    [RegularExpression("^[A-Za-z0-9.-]{1,253}$", ErrorMessage = "TenantId must be a tenant GUID or domain.")]
    public string? TenantId { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var host in AllowedLinkHosts)
        {
            if (Uri.CheckHostName(host) is not (UriHostNameType.Dns or UriHostNameType.IPv4) || host.Contains('*', StringComparison.Ordinal))
            {
                yield return new ValidationResult($"AllowedLinkHosts entry '{host}' is not a host name.", [nameof(AllowedLinkHosts)]);
            }
        }

        if (LogAnalyticsWorkspaceResourceId is not null && TenantId is null)
        {
            yield return new ValidationResult("TenantId is required when LogAnalyticsWorkspaceResourceId is set.", [nameof(TenantId)]);
        }
    }
}
