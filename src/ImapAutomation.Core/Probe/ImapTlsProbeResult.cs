namespace ImapAutomation.Core.Probe;

/// <summary>What the probe saw; every field the handshake reached is filled, whatever the outcome.</summary>
public sealed record ImapTlsProbeResult
{
    public required string Host { get; init; }

    public required int Port { get; init; }

    public required bool StartTls { get; init; }

    public required ImapTlsOutcome Outcome { get; init; }

    /// <summary>One sentence for the operator: what failed, where, and the likely cause.</summary>
    public required string Message { get; init; }

    public bool Succeeded => Outcome == ImapTlsOutcome.Success;

    /// <summary>The TLS version negotiated (e.g. <c>Tls13</c>).</summary>
    public string? Protocol { get; init; }

    /// <summary>The cipher suite negotiated (IANA name).</summary>
    public string? CipherSuite { get; init; }

    public ImapTlsCertificateReport? Certificate { get; init; }

    /// <summary>The server's first line (before STARTTLS, or after the TLS handshake).</summary>
    public string? Greeting { get; init; }

    public IReadOnlyList<string> Capabilities { get; init; } = [];

    public required DateTimeOffset CheckedAt { get; init; }

    public required long ElapsedMilliseconds { get; init; }
}

/// <summary>The server certificate as presented, with the probe's verdicts on it.</summary>
public sealed record ImapTlsCertificateReport
{
    public required string Subject { get; init; }

    public required string Issuer { get; init; }

    public IReadOnlyList<string> DnsNames { get; init; } = [];

    public IReadOnlyList<string> IpAddresses { get; init; } = [];

    public required DateTimeOffset NotBefore { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>SHA-1, as <c>Get-ExchangeCertificate</c> shows it.</summary>
    public required string Thumbprint { get; init; }

    public required string ThumbprintSha256 { get; init; }

    /// <summary>Whole days until expiry (negative when expired).</summary>
    public required int DaysRemaining { get; init; }

    public required bool HostNameMatches { get; init; }

    public required bool Trusted { get; init; }

    /// <summary>Why the chain did not validate, when it did not.</summary>
    public string? TrustDetail { get; init; }
}
