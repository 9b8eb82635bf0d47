using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Functions.Http;

/// <summary>
/// The caller of an HTTP function, from the identity headers only where they cannot be forged: App Service authentication
/// removes them from incoming requests, but only when it is on. Without it anyone holding a link or a function key could
/// send them and claim to be an approver, so a request that carries them is refused rather than downgraded.
/// </summary>
public sealed partial class CallerReader(IConfiguration configuration, IOptions<FunctionsOptions> options, ILogger<CallerReader> logger)
{
    /// <summary>Set read-only by App Service and Functions to <c>True</c> when App Service authentication is on.</summary>
    public const string AuthEnabledSetting = "WEBSITE_AUTH_ENABLED";

    private readonly bool _trusted = options.Value.IdentityHeaders == IdentityHeaderTrust.Trusted
        || string.Equals(configuration[AuthEnabledSetting], "True", StringComparison.OrdinalIgnoreCase);

    /// <summary>The caller, or the status, title and reason to refuse the request with before anything is done.</summary>
    internal CallerRead Read(HttpRequest request, string function)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_trusted && (request.Headers.ContainsKey(CallerIdentity.PrincipalNameHeader) || request.Headers.ContainsKey(CallerIdentity.PrincipalHeader)))
        {
            LogUntrustedHeaders(logger, function, configuration[AuthEnabledSetting] ?? "(unset)");
            return new(null, StatusCodes.Status401Unauthorized, "Identity headers not trusted",
                $"The request carries {CallerIdentity.PrincipalNameHeader} or {CallerIdentity.PrincipalHeader}, but App Service authentication is off on this app "
                + $"({AuthEnabledSetting} is not True), so anyone could have set them. Nothing was done. Turn App Service authentication on (docs/configuration.md).");
        }

        var (caller, error) = CallerIdentity.Read(request, options.Value.FunctionKeyIdentity);
        return new(caller, StatusCodes.Status400BadRequest, "Unusable caller identity", error);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Function} refused a request with caller identity headers: App Service authentication is off (WEBSITE_AUTH_ENABLED={AuthEnabled}) and Functions:IdentityHeaders is AppServiceAuthentication")]
    private static partial void LogUntrustedHeaders(ILogger logger, string function, string authEnabled);
}

/// <summary>A <see cref="CallerReader"/> answer: <see cref="Caller"/>, or why not (<see cref="Status"/>, <see cref="Title"/>, <see cref="Error"/>).</summary>
internal sealed record CallerRead(CallerIdentity? Caller, int Status, string Title, string? Error);
