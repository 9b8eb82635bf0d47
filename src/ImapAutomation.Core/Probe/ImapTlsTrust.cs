namespace ImapAutomation.Core.Probe;

/// <summary>Which certificates the probe trusts.</summary>
public enum ImapTlsTrust
{
    /// <summary>The operating system's root store, as a voice-mail client would.</summary>
    System,

    /// <summary>Only chains to the CA certificates in <see cref="ImapTlsProbeOptions.PinnedCaFile"/> (labs, private PKI).</summary>
    PinnedCa,

    /// <summary>Only a server certificate whose SHA-1 or SHA-256 thumbprint is in <see cref="ImapTlsProbeOptions.PinnedThumbprints"/>.</summary>
    PinnedThumbprint,
}
