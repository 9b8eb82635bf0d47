using System.Security.Cryptography;

namespace ImapAutomation.Core.Contracts;

/// <summary>
/// Signs results on the hybrid worker and verifies them in the cloud, with the same key ring as requests (current key
/// signs; current and previous verify). Without it, anyone able to add a message to the results queue could report a
/// fix that never happened, or fail a step that succeeded.
/// </summary>
public sealed class RunbookResultSigner(RunbookKeyRing keys)
{
    public RunbookResult Sign(RunbookResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var signature = HMACSHA256.HashData(keys.CurrentKey, RunbookResultCanonicalForm.Compute(result, keys.CurrentKeyId));
        return result with { KeyId = keys.CurrentKeyId, Signature = Convert.ToBase64String(signature) };
    }

    /// <summary>Null when the result carries a valid signature by the current or previous key; otherwise why not.</summary>
    public string? Verify(RunbookResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (string.IsNullOrEmpty(result.KeyId) || string.IsNullOrEmpty(result.Signature))
        {
            return "the result is not signed (keyId or signature missing)";
        }

        if (!keys.TryGetKey(result.KeyId, out var key))
        {
            return $"signing key {ParameterValidator.Show(result.KeyId)} is neither the current nor the previous key";
        }

        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (!Convert.TryFromBase64String(result.Signature, given, out var written) || written != HMACSHA256.HashSizeInBytes)
        {
            return "the signature is not a base64 HMAC-SHA256";
        }

        var expected = HMACSHA256.HashData(key, RunbookResultCanonicalForm.Compute(result, result.KeyId));
        return CryptographicOperations.FixedTimeEquals(expected, given)
            ? null
            : "the signature does not match the result (forged, altered, or not a result signature)";
    }
}
