namespace ImapAutomation.Core.Catalog;

/// <summary>The causes the rules tell apart; the names are part of the public contract (JSON, cards, queues).</summary>
public enum IncidentKind
{
    ImapCertificateBinding,
    TlsHandshakeFailure,
    ImapProxyAuthFailure,
    ImapConnectionLimit,

    /// <summary>
    /// Not a detected cause: the record of runbooks an operator ran by hand on a server (TriggerRunbook), one
    /// episode per run, so such runs share the incidents' lock, policy, timeline and result path.
    /// </summary>
    OperatorRequest,
}
