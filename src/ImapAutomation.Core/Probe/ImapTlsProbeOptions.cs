using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ImapAutomation.Core.Probe;

/// <summary>One probe: where to connect, how, what to trust and how long to wait.</summary>
public sealed class ImapTlsProbeOptions : IValidatableObject
{
    public const int ImapsPort = 993;
    public const int ImapPort = 143;

    /// <summary>The host to connect to (DNS name or IP address).</summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(253)]
    public string Host { get; set; } = "";

    /// <summary>The TCP port; when null, 993 for implicit TLS and 143 for STARTTLS.</summary>
    [Range(1, 65535)]
    public int? Port { get; set; }

    /// <summary>Connect in plain text and upgrade with <c>STARTTLS</c> instead of implicit TLS.</summary>
    public bool StartTls { get; set; }

    /// <summary>The name the certificate must cover and that is sent as SNI; defaults to <see cref="Host"/>.</summary>
    [StringLength(253)]
    public string? ServerName { get; set; }

    /// <summary>The whole probe's budget: connect, handshake, greeting and CAPABILITY.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    public ImapTlsTrust Trust { get; set; } = ImapTlsTrust.System;

    /// <summary>PEM file of the CA certificate(s) trusted when <see cref="Trust"/> is <see cref="ImapTlsTrust.PinnedCa"/>.</summary>
    public string? PinnedCaFile { get; set; }

    /// <summary>Hex thumbprints (SHA-1 as Exchange shows them, or SHA-256) trusted when <see cref="Trust"/> is <see cref="ImapTlsTrust.PinnedThumbprint"/>.</summary>
    public IList<string> PinnedThumbprints { get; init; } = [];

    /// <summary>Check revocation online; off by default because the worker's network may not reach the CRL.</summary>
    public bool CheckRevocation { get; set; }

    /// <summary>A certificate expiring within this many days still succeeds, but the message warns.</summary>
    [Range(0, 3650)]
    public int ExpiryWarningDays { get; set; } = 30;

    public int EffectivePort => Port ?? (StartTls ? ImapPort : ImapsPort);

    public string EffectiveServerName => string.IsNullOrWhiteSpace(ServerName) ? Host : ServerName;

    /// <summary>Throws <see cref="ValidationException"/> naming every bad setting.</summary>
    // Validation reads ImapTlsProbeOptions's properties and their attributes by reflection: kept whole in a trimmed (native) build.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ImapTlsProbeOptions))]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "ImapTlsProbeOptions is sealed and its properties are kept by the DynamicDependency above.")]
    public void Validate()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            throw new ValidationException("Invalid probe options: " + string.Join(" ", results.Select(r => r.ErrorMessage)));
        }
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || Host.Contains('/', StringComparison.Ordinal))
        {
            yield return new ValidationResult($"Host '{Host}' is not a host name or address.", [nameof(Host)]);
        }

        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult(
                $"Timeout {Timeout.ToString("c", CultureInfo.InvariantCulture)} must be above zero and at most 5 minutes.", [nameof(Timeout)]);
        }

        if (Trust == ImapTlsTrust.PinnedCa && (string.IsNullOrWhiteSpace(PinnedCaFile) || !File.Exists(PinnedCaFile)))
        {
            yield return new ValidationResult($"Trust PinnedCa needs PinnedCaFile to name an existing PEM file (got '{PinnedCaFile}').", [nameof(PinnedCaFile)]);
        }

        if (Trust == ImapTlsTrust.PinnedThumbprint && PinnedThumbprints.Count == 0)
        {
            yield return new ValidationResult("Trust PinnedThumbprint needs at least one thumbprint.", [nameof(PinnedThumbprints)]);
        }

        foreach (var thumbprint in PinnedThumbprints)
        {
            var hex = NormalizeThumbprint(thumbprint);
            if (hex.Length is not (40 or 64) || !hex.All(char.IsAsciiHexDigit))
            {
                yield return new ValidationResult($"Thumbprint '{thumbprint}' is not 40 (SHA-1) or 64 (SHA-256) hex digits.", [nameof(PinnedThumbprints)]);
            }
        }
    }

    internal static string NormalizeThumbprint(string thumbprint) =>
        thumbprint.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
}
