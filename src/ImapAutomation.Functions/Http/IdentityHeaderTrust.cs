namespace ImapAutomation.Functions.Http;

/// <summary>When the App Service authentication identity headers may be believed (<c>Functions:IdentityHeaders</c>).</summary>
public enum IdentityHeaderTrust
{
    /// <summary>Only when the platform says App Service authentication is on (<c>WEBSITE_AUTH_ENABLED=True</c>), which strips forged ones.</summary>
    AppServiceAuthentication,

    /// <summary>Always: only for a local run behind something that sets them itself (the demo), never a deployed app.</summary>
    Trusted,
}
