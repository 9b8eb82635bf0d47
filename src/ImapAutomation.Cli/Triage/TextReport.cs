using System.Globalization;
using System.Text;

namespace ImapAutomation.Cli.Triage;

/// <summary>The report for people: one block per incident, then what was read and what was rejected.</summary>
internal static class TextReport
{
    private const int ErrorsShown = 20;

    public static async Task WriteAsync(TextWriter writer, TriageReport report, TimeSpan window)
    {
        var text = new StringBuilder();
        var events = report.Inputs.Sum(i => i.Events);
        var rejected = report.Inputs.Sum(i => i.Rejected);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"imapauto triage: {report.Inputs.Count} input(s), {events} event(s) read, {rejected} rejected, {report.Incidents.Count} incident(s) (window {window:g})");
        text.AppendLine();
        if (report.Incidents.Count == 0)
        {
            text.AppendLine("No incidents: no event matched an IMAP/TLS rule.");
            text.AppendLine();
        }

        foreach (var incident in report.Incidents)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{incident.Server}  {incident.Kind}  ({incident.EventCount} event(s), {incident.FirstSeen:u} .. {incident.LastSeen:u})");
            text.AppendLine(CultureInfo.InvariantCulture, $"  Diagnosis: {Diagnosis(incident.Kind)}");
            text.AppendLine("  Evidence:");
            foreach (var e in incident.Evidence)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    {e.Source} {(e.EventId == 0 ? "ProxyNotAuthenticated" : e.EventId.ToString(CultureInfo.InvariantCulture))} x{e.Count}{Tls(e)}");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"  Plan: {string.Join(" -> ", incident.Plan)}");
            text.AppendLine();
        }

        text.AppendLine("Inputs:");
        foreach (var input in report.Inputs)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {input.Path}: {input.Format}, {input.Events} event(s), {input.Rejected} rejected");
            foreach (var error in input.Errors.Take(ErrorsShown))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    rejected at {input.Path}:{error.Location}: {error.Message}");
            }

            if (input.Errors.Count > ErrorsShown)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    ... {input.Rejected - ErrorsShown} more rejection(s) (use --json for the list)");
            }

            foreach (var notice in input.Notices ?? [])
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    note at {notice.Location}: {notice.Message}");
            }
        }

        await writer.WriteAsync(text.ToString()).ConfigureAwait(false);
    }

    private static string Tls(EvidenceReport e)
    {
        if (e.TlsAlert is null && e.ErrorState is null)
        {
            return e.Source == "Schannel" ? "  (alert code not in the event)" : string.Empty;
        }

        var alert = e.TlsAlert is { } code
            ? $"  TLS alert {code} {e.TlsAlertName ?? "(not an RFC alert code)"}{(e.SspiError is null ? string.Empty : $" = {e.SspiError}")}"
            : "  TLS alert unknown";
        return $"{alert}, Schannel error state {e.ErrorState ?? "not given"} (undocumented, shown raw)";
    }

    internal static string Diagnosis(string kind) => kind switch
    {
        "ImapCertificateBinding" =>
            "IMAP4 has no valid certificate bound for SSL/TLS (MSExchangeIMAP4 1102 SslConnectionNotStarted / 2007 SslCertificateNotFound), " +
            "so clients on 993 get '* BYE Connection is closed. 14'. Schannel alerts on this server in the window are folded in as symptoms. " +
            "Bind a valid certificate that covers the server's FQDN to IMAP, set X509CertificateName, restart IMAP and verify the handshake.",
        "TlsHandshakeFailure" =>
            "Schannel is ending TLS handshakes with a fatal alert (36888) and IMAP reports no certificate problem on this server. " +
            "Read the alert below (protocol version, cipher, certificate trust) and the client's TLS settings; diagnose and notify, no automatic change.",
        "ImapProxyAuthFailure" =>
            "The front end cannot authenticate its proxy session to this back-end server (ProxyNotAuthenticated in the IMAP4 protocol log), " +
            "so LOGIN fails with 'NO LOGIN failed.'. Typical when an Exchange 2016 front end proxies to 2013: fix the IMAP certificate binding and " +
            "disable GSSAPI/NTLM for IMAP (KB 3076376), then restart IMAP and verify.",
        "ImapConnectionLimit" =>
            "IMAP4 refuses connections at its limits (1009 per user, 1101 in total, 1103 per IP address). " +
            "Raise MaxConnectionsPerUser from its default of 16, relax the NPUMAdminPolicy throttling policy and restart IMAP.",
        _ => kind,
    };
}
