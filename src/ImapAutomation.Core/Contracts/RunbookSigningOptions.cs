using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;

namespace ImapAutomation.Core.Contracts;

/// <summary>
/// The HMAC keys shared by the cloud (signs) and the hybrid worker (verifies). Rotation: add the new key as current
/// and move the old one to previous on both sides, wait for in-flight requests to expire, then drop previous.
/// Keys come from Key Vault or the worker's protected configuration, never from the repository.
/// </summary>
public sealed class RunbookSigningOptions
{
    public const string SectionName = "RunbookSigning";

    /// <summary>
    /// The id written into each signature. Empty (the deployed default): derived from the key itself, so a rotation in
    /// Key Vault needs no id change and cloud and worker, holding the same key, derive the same id.
    /// </summary>
    [RegularExpression(@"^[A-Za-z0-9._-]{1,64}\z")]
    public string? CurrentKeyId { get; set; }

    /// <summary>Base64 of at least 32 random bytes.</summary>
    [Required]
    public string CurrentKey { get; set; } = "";

    /// <summary>Empty: derived from <see cref="PreviousKey"/>, as for the current key.</summary>
    [RegularExpression(@"^[A-Za-z0-9._-]{1,64}\z")]
    public string? PreviousKeyId { get; set; }

    public string? PreviousKey { get; set; }

    /// <summary>Tolerated clock difference between cloud and worker for notBefore/expiresAt.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:15:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A request valid for longer than this is refused, whatever its signature.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>The current key signs; current and previous verify.</summary>
public sealed class RunbookKeyRing
{
    public const int MinimumKeyBytes = 32;

    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public RunbookKeyRing(string currentKeyId, byte[] currentKey, string? previousKeyId = null, byte[]? previousKey = null)
    {
        CurrentKeyId = currentKeyId;
        Add(currentKeyId, currentKey);
        if (previousKeyId is not null || previousKey is not null)
        {
            if (previousKeyId is null || previousKey is null)
            {
                throw new ArgumentException("The previous key needs both an id and a key.", nameof(previousKey));
            }

            if (previousKeyId == currentKeyId)
            {
                throw new ArgumentException("The previous key id equals the current key id.", nameof(previousKeyId));
            }

            Add(previousKeyId, previousKey);
        }
    }

    public string CurrentKeyId { get; }

    internal byte[] CurrentKey => _keys[CurrentKeyId];

    public static RunbookKeyRing FromOptions(RunbookSigningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var current = Decode(options.CurrentKey, nameof(options.CurrentKey));
        var previous = string.IsNullOrEmpty(options.PreviousKey) ? null : Decode(options.PreviousKey, nameof(options.PreviousKey));
        return new RunbookKeyRing(
            string.IsNullOrEmpty(options.CurrentKeyId) ? DeriveKeyId(current) : options.CurrentKeyId,
            current,
            previous is null ? NullIfEmpty(options.PreviousKeyId) : string.IsNullOrEmpty(options.PreviousKeyId) ? DeriveKeyId(previous) : options.PreviousKeyId,
            previous);
    }

    /// <summary>
    /// A key's id when none is configured: <c>sha256-</c> and the first 12 hex digits of the SHA-256 of the key, which
    /// names the key without revealing it (the key is 256 random bits).
    /// </summary>
    public static string DeriveKeyId(byte[] key) =>
        "sha256-" + Convert.ToHexStringLower(SHA256.HashData(key ?? throw new ArgumentNullException(nameof(key))).AsSpan(0, 6));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    internal bool TryGetKey(string keyId, out byte[] key) => _keys.TryGetValue(keyId, out key!);

    private void Add(string keyId, byte[] key)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < MinimumKeyBytes)
        {
            throw new ArgumentException($"Signing key '{keyId}' has {key.Length} bytes; at least {MinimumKeyBytes} are required.", nameof(key));
        }

        _keys.Add(keyId, key.ToArray());
    }

    private static byte[] Decode(string base64, string name)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"RunbookSigning:{name} is not base64.", name, ex);
        }
    }
}
