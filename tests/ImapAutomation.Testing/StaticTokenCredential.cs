using Azure.Core;

namespace ImapAutomation.Testing;

/// <summary>Entra ID cannot be reached here; a fixed token, named after its scopes so tests can assert the scope asked for.</summary>
public sealed class StaticTokenCredential : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new("token-for-" + string.Join(' ', requestContext.Scopes), DateTimeOffset.UtcNow.AddHours(1));

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
