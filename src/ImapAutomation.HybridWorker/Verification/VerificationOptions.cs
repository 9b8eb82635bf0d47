using System.ComponentModel.DataAnnotations;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Probe;

namespace ImapAutomation.HybridWorker.Verification;

/// <summary>How the worker checks a fix with a real IMAPS handshake (section <c>HybridWorker:Verification</c>).</summary>
public sealed class VerificationOptions : IValidatableObject
{
    public const string Section = "HybridWorker:Verification";

    /// <summary>
    /// The default of <see cref="ProbeAfter"/>: Exchange serves a newly bound IMAP certificate only once MSExchangeIMAP4
    /// and MSExchangeIMAP4BE restart, so a probe straight after Set-ImapCertificate would judge the old certificate
    /// and fail a fix that is about to work (docs/hybrid-worker.md).
    /// </summary>
    public static IReadOnlyList<string> DefaultProbeAfter { get; } = [RunbookNames.RestartImapServices];

    /// <summary>
    /// Change runbooks after whose successful, real (not -WhatIf) run the probe is run against the target. Unset means
    /// <see cref="DefaultProbeAfter"/>; a configured list replaces it (a default held in the list itself would have the
    /// configuration binder append to it instead).
    /// </summary>
    public IList<string>? ProbeAfter { get; set; }

    /// <summary>False: no probe after any change runbook (Test-ImapTls requests still probe).</summary>
    public bool ProbeAfterChanges { get; set; } = true;

    /// <summary>The runbooks actually followed by a probe.</summary>
    public IReadOnlyList<string> ProbeAfterRunbooks =>
        !ProbeAfterChanges ? [] : ProbeAfter is { Count: > 0 } configured ? [.. configured] : DefaultProbeAfter;

    /// <summary>The IMAPS port probed (implicit TLS).</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = ImapTlsProbeOptions.ImapsPort;

    public ImapTlsTrust Trust { get; set; } = ImapTlsTrust.System;

    public string? PinnedCaFile { get; set; }

    public IList<string> PinnedThumbprints { get; init; } = [];

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Where to connect for a target server when it is not the server's own name (a load balancer, a lab): the
    /// certificate must still name the host given here. Keys are compared case-insensitively.
    /// </summary>
    public IDictionary<string, string> Hosts { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var runbook in (ProbeAfter ?? []).Where(r => !RunbookNames.All.Contains(r, StringComparer.Ordinal)))
        {
            yield return new ValidationResult($"ProbeAfter names '{runbook}', which is not in the catalog.", [nameof(ProbeAfter)]);
        }

        foreach (var problem in ProbeFor("probe.invalid", null).Validate(validationContext))
        {
            yield return problem;
        }
    }

    /// <summary>The probe of <paramref name="server"/>; <paramref name="expectedHostName"/> overrides the name the certificate must cover.</summary>
    public ImapTlsProbeOptions ProbeFor(string server, string? expectedHostName)
    {
        var host = Hosts.FirstOrDefault(h => string.Equals(h.Key, server, StringComparison.OrdinalIgnoreCase)).Value ?? server;
        var options = new ImapTlsProbeOptions
        {
            Host = host,
            Port = Port,
            ServerName = expectedHostName,
            Trust = Trust,
            PinnedCaFile = PinnedCaFile,
            Timeout = Timeout,
        };
        foreach (var thumbprint in PinnedThumbprints)
        {
            options.PinnedThumbprints.Add(thumbprint);
        }

        return options;
    }
}
