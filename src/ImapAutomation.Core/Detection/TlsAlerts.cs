namespace ImapAutomation.Core.Detection;

/// <summary>TLS alert codes (RFC 8446 §6, RFC 5246 §7.2) and the SSPI errors Microsoft maps them to.</summary>
public static class TlsAlerts
{
    private static readonly Dictionary<int, string> Names = new()
    {
        [0] = "close_notify", [10] = "unexpected_message", [20] = "bad_record_mac", [21] = "decryption_failed",
        [22] = "record_overflow", [30] = "decompression_failure", [40] = "handshake_failure", [41] = "no_certificate",
        [42] = "bad_certificate", [43] = "unsupported_certificate", [44] = "certificate_revoked", [45] = "certificate_expired",
        [46] = "certificate_unknown", [47] = "illegal_parameter", [48] = "unknown_ca", [49] = "access_denied",
        [50] = "decode_error", [51] = "decrypt_error", [60] = "export_restriction", [70] = "protocol_version",
        [71] = "insufficient_security", [80] = "internal_error", [86] = "inappropriate_fallback", [90] = "user_canceled",
        [100] = "no_renegotiation", [109] = "missing_extension", [110] = "unsupported_extension", [112] = "unrecognized_name",
        [113] = "bad_certificate_status_response", [115] = "unknown_psk_identity", [116] = "certificate_required",
        [120] = "no_application_protocol",
    };

    /// <summary>The RFC name, or null for a code no RFC defines (shown raw).</summary>
    public static string? Name(int code) => Names.GetValueOrDefault(code);

    /// <summary>Microsoft's "Schannel error codes for TLS and SSL alerts" mapping; null where it names none.</summary>
    public static string? SspiError(int code) => code switch
    {
        42 or 43 or 46 => "SEC_E_CERT_UNKNOWN",
        45 => "SEC_E_CERT_EXPIRED",
        48 => "SEC_E_UNTRUSTED_ROOT",
        21 or 51 => "SEC_E_DECRYPT_FAILURE",
        70 => "SEC_E_UNSUPPORTED_FUNCTION",
        71 => "SEC_E_ALGORITHM_MISMATCH",
        80 => "SEC_E_INTERNAL_ERROR",
        _ => null,
    };
}
