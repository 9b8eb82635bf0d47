namespace ImapAutomation.Core.Probe;

/// <summary>What a <c>Test-ImapTls</c> probe concluded; the names are part of the JSON the worker reports.</summary>
public enum ImapTlsOutcome
{
    /// <summary>TLS completed with a trusted, current certificate that matches the name, and the server greeted with OK.</summary>
    Success,

    /// <summary>Nothing listens on the port (TCP RST).</summary>
    Refused,

    /// <summary>The connect, the handshake or the greeting did not finish within the probe's timeout.</summary>
    TimedOut,

    /// <summary>The host name does not resolve.</summary>
    Unresolved,

    /// <summary>Another network error (unreachable, reset).</summary>
    NetworkError,

    /// <summary>The server answered <c>* BYE ... 14</c> instead of TLS: Exchange has no certificate bound for IMAP (event 1102).</summary>
    NoSslCertificate,

    /// <summary>The server said <c>* BYE</c> for another reason (10 too many connections, 11 timeout, 12 shutdown, ...).</summary>
    ServerBye,

    /// <summary>The TLS handshake failed (no common protocol or cipher, reset during the handshake, not TLS at all).</summary>
    HandshakeFailed,

    /// <summary>The certificate does not chain to a trusted root (or is not the pinned one).</summary>
    Untrusted,

    /// <summary>The certificate is outside its validity period.</summary>
    Expired,

    /// <summary>The certificate does not cover the name the client connects to.</summary>
    NameMismatch,

    /// <summary>The plain-text server refused <c>STARTTLS</c> or does not offer it.</summary>
    StartTlsRefused,

    /// <summary>The server broke the IMAP protocol (no greeting, an unexpected answer, an over-long line).</summary>
    ProtocolError,
}
