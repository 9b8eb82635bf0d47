namespace ImapAutomation.Core.Catalog;

/// <summary>The causes the rules tell apart; the names are part of the public contract (JSON, cards, queues).</summary>
public enum IncidentKind
{
    ImapCertificateBinding,
    TlsHandshakeFailure,
    ImapProxyAuthFailure,
    ImapConnectionLimit,
}
