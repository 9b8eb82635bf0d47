using System.Security.Cryptography;

namespace ImapAutomation.Core.Contracts;

/// <summary>Signs requests with the key ring's current key, after checking them as the worker will.</summary>
public sealed class RunbookRequestSigner(RunbookKeyRing keys)
{
    /// <summary>The ring this signer uses; the incident engine verifies results with the same keys.</summary>
    public RunbookKeyRing Keys => keys;

    /// <summary>Returns the signed request; refuses (throws) a request the verifier would reject for its content.</summary>
    public RunbookRequest Sign(RunbookRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = RunbookRequestVerifier.CheckContent(request);
        if (problems is not null)
        {
            throw new ArgumentException($"Refusing to sign request {request.RequestId}: {problems}", nameof(request));
        }

        var signature = HMACSHA256.HashData(keys.CurrentKey, RunbookRequestCanonicalForm.Compute(request, keys.CurrentKeyId));
        return request with { KeyId = keys.CurrentKeyId, Signature = Convert.ToBase64String(signature) };
    }
}
