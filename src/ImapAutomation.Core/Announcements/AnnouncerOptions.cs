using System.ComponentModel.DataAnnotations;
using ImapAutomation.Core.Cards;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Core.Announcements;

/// <summary>
/// Where card links point (bound from the Functions app's section <c>Functions</c>, so the approval lifetime is one
/// setting for the page and the cards), validated on start.
/// </summary>
public sealed class AnnouncerOptions : IValidatableObject
{
    public const string SectionName = "Functions";

    /// <summary>The app's public https address (e.g. <c>https://func-imapauto.azurewebsites.net</c>); approval and incident links hang under <c>/api</c>.</summary>
    [Required(ErrorMessage = "PublicBaseUrl is required: card links (approval, incident) point under it.")]
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>How long an approval link on a card stays valid.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan ApprovalLinkLifetime { get; set; } = TimeSpan.FromHours(8);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublicBaseUrl is { } url && (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps || url.UserInfo.Length > 0 || url.Query.Length > 0))
        {
            yield return new ValidationResult("PublicBaseUrl must be an absolute https URL without user information or query.", [nameof(PublicBaseUrl)]);
        }
    }

    /// <summary><c>{PublicBaseUrl}/api/{relative}</c>, whatever path the base URL has.</summary>
    internal Uri Api(string relative) => new(new Uri(PublicBaseUrl!.AbsoluteUri.TrimEnd('/') + "/"), "api/" + relative);
}

/// <summary>Cards refuse links to hosts outside <c>Cards:AllowedLinkHosts</c>; fail at start, not at the first incident.</summary>
internal sealed class AnnouncerOptionsValidator(IOptions<CardOptions> cards) : IValidateOptions<AnnouncerOptions>
{
    public ValidateOptionsResult Validate(string? name, AnnouncerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var host = options.PublicBaseUrl is { IsAbsoluteUri: true } url ? url.IdnHost : null;
        return host is null || cards.Value.AllowedLinkHosts.Contains(host, StringComparer.OrdinalIgnoreCase)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{AnnouncerOptions.SectionName}:{nameof(AnnouncerOptions.PublicBaseUrl)} host '{host}' is not in {CardOptions.SectionName}:{nameof(CardOptions.AllowedLinkHosts)}; add it so cards may link to the app.");
    }
}
