using System.ComponentModel.DataAnnotations;

namespace ImapAutomation.Core.Teams;

/// <summary>How cards reach Teams.</summary>
public enum TeamsTransport
{
    /// <summary>A Teams Workflows "post to a channel when a webhook request is received" URL (works with app-only set-up).</summary>
    Webhook,

    /// <summary>Microsoft Graph: channel messages and thread replies (delegated), activity notifications and directory checks (app-only).</summary>
    Graph,
}

/// <summary>Teams delivery settings (section <c>Teams</c>), validated on start.</summary>
public sealed class TeamsOptions : IValidatableObject
{
    public const string SectionName = "Teams";

    /// <summary>Teams accepts about 28 KB per message; a bigger body is refused here, before it is sent.</summary>
    public const int MaxMessageBytes = 28 * 1024;

    public TeamsTransport Transport { get; set; } = TeamsTransport.Webhook;

    /// <summary>The Workflows webhook URL. A secret (its query string is the credential): set it from Key Vault, never log it.</summary>
    public Uri? WebhookUrl { get; set; }

    public Uri GraphBaseUrl { get; set; } = new("https://graph.microsoft.com/v1.0");

    public string? TeamId { get; set; }

    public string? ChannelId { get; set; }

    /// <summary>Entra object IDs of the on-call approvers who get an activity-feed notification when approval is needed.</summary>
    public IList<string> ApproverUserIds { get; } = [];

    /// <summary>The activity type declared in the Teams app manifest for approval notifications.</summary>
    [Required]
    public string ActivityType { get; set; } = "approvalRequired";

    /// <summary>The operators' group: only its (transitive) members may approve.</summary>
    public string? OperatorsGroupId { get; set; }

    /// <summary>Retries after the first attempt for 429, 408, 5xx and network failures; 429 waits for Retry-After.</summary>
    [Range(1, 10)]
    public int MaxRetries { get; set; } = 4;

    /// <summary>First back-off delay (exponential with jitter) when the server gives no Retry-After.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Transport == TeamsTransport.Webhook)
        {
            if (WebhookUrl is null)
            {
                yield return new ValidationResult("WebhookUrl is required when Transport is Webhook.", [nameof(WebhookUrl)]);
            }
            else if (!IsHttpsOrLoopback(WebhookUrl))
            {
                // Say where, never what: the URL is a credential.
                yield return new ValidationResult("WebhookUrl must be an absolute https URL.", [nameof(WebhookUrl)]);
            }
        }
        else
        {
            if (!IsHttpsOrLoopback(GraphBaseUrl))
            {
                yield return new ValidationResult($"GraphBaseUrl '{GraphBaseUrl}' must be an absolute https URL.", [nameof(GraphBaseUrl)]);
            }

            if (string.IsNullOrWhiteSpace(TeamId) || string.IsNullOrWhiteSpace(ChannelId))
            {
                yield return new ValidationResult("TeamId and ChannelId are required when Transport is Graph.", [nameof(TeamId), nameof(ChannelId)]);
            }
        }
    }

    /// <summary>https everywhere; plain http only to a loopback address, which is where the tests' fake servers listen.</summary>
    internal static bool IsHttpsOrLoopback(Uri url) =>
        url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback));
}
