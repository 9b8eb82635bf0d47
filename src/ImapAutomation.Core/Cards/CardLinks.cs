namespace ImapAutomation.Core.Cards;

/// <summary>The single gate every URL passes before it goes into a card: https, no credentials, a configured host.</summary>
internal static class CardLinks
{
    /// <summary>The link as the card will carry it, or an error naming the field and the host (never the URL: approval links are signed).</summary>
    public static string Require(Uri? link, string field, CardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (link is null)
        {
            throw new ArgumentException($"Card link '{field}' is missing.", field);
        }

        if (!link.IsAbsoluteUri || link.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Card link '{field}' must be an absolute https URL.", field);
        }

        if (link.UserInfo.Length > 0)
        {
            throw new ArgumentException($"Card link '{field}' must not carry user information.", field);
        }

        if (!options.AllowedLinkHosts.Contains(link.IdnHost, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"Card link '{field}' points to host '{link.IdnHost}', which is not in {CardOptions.SectionName}:{nameof(CardOptions.AllowedLinkHosts)}.",
                field);
        }

        return link.AbsoluteUri;
    }
}
