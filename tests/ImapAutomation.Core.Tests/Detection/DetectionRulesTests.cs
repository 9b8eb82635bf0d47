using ImapAutomation.Core.Detection;
using ImapAutomation.Core.Signals;

namespace ImapAutomation.Core.Tests.Detection;

public sealed class DetectionRulesTests
{
    private static SignalEvent Schannel() => new("exch01", "Schannel", 36888, DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData("The following fatal alert was generated: 51. The internal error state is 900.", 51, "900")]
    [InlineData("A fatal alert was generated and sent to the remote endpoint. This may result in termination of the connection. The TLS protocol defined fatal error code is 40. The Windows SChannel error state is 1205.", 40, "1205")]
    [InlineData("A fatal alert was generated and sent to the remote endpoint. This may result in termination of the connection. The TLS protocol defined fatal alert code is 70.", 70, null)]
    public void TlsAlertOf_RenderedTextInEitherWording_FindsAlertAndState(string text, int alert, string? state)
    {
        Assert.Equal((alert, state), DetectionRules.TlsAlertOf(Schannel() with { RenderedText = text }));
    }

    [Fact]
    public void TlsAlertOf_PositionalParameters_UsesTheFirstTwo()
    {
        Assert.Equal((48, "552"), DetectionRules.TlsAlertOf(Schannel() with { PositionalData = ["48", "552", "target"] }));
    }

    [Fact]
    public void TlsAlertOf_NamedDataWinsOverText()
    {
        var e = Schannel() with
        {
            NamedData = new Dictionary<string, string> { ["AlertDesc"] = "45", ["ErrorState"] = "x1" },
            RenderedText = "The following fatal alert was generated: 51. The internal error state is 900.",
        };

        Assert.Equal((45, "x1"), DetectionRules.TlsAlertOf(e));
    }

    [Theory]
    [InlineData(0, "close_notify", null)]
    [InlineData(20, "bad_record_mac", null)]
    [InlineData(21, "decryption_failed", "SEC_E_DECRYPT_FAILURE")]
    [InlineData(40, "handshake_failure", null)]
    [InlineData(42, "bad_certificate", "SEC_E_CERT_UNKNOWN")]
    [InlineData(43, "unsupported_certificate", "SEC_E_CERT_UNKNOWN")]
    [InlineData(45, "certificate_expired", "SEC_E_CERT_EXPIRED")]
    [InlineData(46, "certificate_unknown", "SEC_E_CERT_UNKNOWN")]
    [InlineData(48, "unknown_ca", "SEC_E_UNTRUSTED_ROOT")]
    [InlineData(51, "decrypt_error", "SEC_E_DECRYPT_FAILURE")]
    [InlineData(70, "protocol_version", "SEC_E_UNSUPPORTED_FUNCTION")]
    [InlineData(71, "insufficient_security", "SEC_E_ALGORITHM_MISMATCH")]
    [InlineData(80, "internal_error", "SEC_E_INTERNAL_ERROR")]
    [InlineData(112, "unrecognized_name", null)]
    [InlineData(120, "no_application_protocol", null)]
    [InlineData(99, null, null)]
    public void TlsAlerts_Code_MapsToRfcNameAndSspiError(int code, string? name, string? sspi)
    {
        Assert.Equal((name, sspi), (TlsAlerts.Name(code), TlsAlerts.SspiError(code)));
    }

    [Theory]
    [InlineData("MSExchangeIMAP4", 1102, true)]
    [InlineData("msexchangeimap4be", 2007, true)]
    [InlineData("MSExchangePOP3", 1102, false)]
    [InlineData("MSExchangeIMAP4", 1000, false)]
    public void Classify_ImapCertificateIds_OnlyForImapSources(string provider, int id, bool isCertificate)
    {
        var kind = DetectionRules.Classify(new SignalEvent("exch01", provider, id, DateTimeOffset.UnixEpoch));

        Assert.Equal(isCertificate, kind == SignalKind.ImapCertificate);
    }
}
