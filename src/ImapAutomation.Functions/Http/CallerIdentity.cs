using System.Text;
using System.Text.Json;
using ImapAutomation.Core.Contracts;
using Microsoft.AspNetCore.Http;

namespace ImapAutomation.Functions.Http;

/// <summary>
/// Who is calling, from the headers App Service authentication (Easy Auth) sets after signing the caller in:
/// <c>X-MS-CLIENT-PRINCIPAL-NAME</c>, else the name claim of <c>X-MS-CLIENT-PRINCIPAL</c> (base64 JSON).
/// Easy Auth removes both from incoming requests, so they can be trusted only with it turned on: <see cref="CallerReader"/>
/// decides that before calling <see cref="Read"/> (docs/configuration.md).
/// A caller with neither header came in with a function key and gets <see cref="FunctionsOptions.FunctionKeyIdentity"/>.
/// </summary>
internal sealed record CallerIdentity(string Upn, bool IsPerson)
{
    public const string PrincipalNameHeader = "X-MS-CLIENT-PRINCIPAL-NAME";
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";
    private const int MaxPrincipalHeaderBytes = 16 * 1024;
    private static readonly string[] NameClaims =
        ["preferred_username", "upn", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"];

    /// <summary>The caller, or why the identity headers cannot be used.</summary>
    public static (CallerIdentity? Caller, string? Error) Read(HttpRequest request, string functionKeyIdentity)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = request.Headers[PrincipalNameHeader].ToString();
        var principal = request.Headers[PrincipalHeader].ToString();
        if (name.Length == 0 && principal.Length > 0)
        {
            var (fromPrincipal, error) = NameFromPrincipal(principal);
            if (error is not null)
            {
                return (null, error);
            }

            name = fromPrincipal!;
        }

        if (name.Length == 0)
        {
            return (new CallerIdentity(functionKeyIdentity, IsPerson: false), null);
        }

        return ParameterValidator.IsPrincipal(name) && name != "system"
            ? (new CallerIdentity(name, IsPerson: true), null)
            : (null, $"The signed-in caller's name {ParameterValidator.Show(name)} is not a user principal name (user@domain).");
    }

    private static (string? Name, string? Error) NameFromPrincipal(string header)
    {
        const string Unusable = $"The {PrincipalHeader} header is not base64-encoded JSON with a claims array.";
        if (header.Length > MaxPrincipalHeaderBytes)
        {
            return (null, $"The {PrincipalHeader} header is longer than {MaxPrincipalHeaderBytes} characters.");
        }

        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(header)), new JsonDocumentOptions { MaxDepth = 8 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("claims", out var claims) || claims.ValueKind != JsonValueKind.Array)
            {
                return (null, Unusable);
            }

            var nameType = root.TryGetProperty("name_typ", out var typ) && typ.ValueKind == JsonValueKind.String ? typ.GetString() : null;
            var values = claims.EnumerateArray()
                .Where(c => c.ValueKind == JsonValueKind.Object && c.TryGetProperty("typ", out var t) && t.ValueKind == JsonValueKind.String
                    && c.TryGetProperty("val", out var v) && v.ValueKind == JsonValueKind.String)
                .Select(c => (Type: c.GetProperty("typ").GetString()!, Value: c.GetProperty("val").GetString()!))
                .ToList();
            foreach (var type in NameClaims.Prepend(nameType).OfType<string>())
            {
                if (values.FirstOrDefault(c => c.Type == type) is { Value: { } value })
                {
                    return (value, null);
                }
            }

            return (null, $"The {PrincipalHeader} header has no name claim (name_typ, preferred_username or upn).");
        }
        catch (FormatException)
        {
            return (null, Unusable);
        }
        catch (JsonException)
        {
            return (null, Unusable);
        }
    }
}
