using System.Text.Json.Serialization;
using ImapAutomation.Core.Detection;

namespace ImapAutomation.Cli.Triage;

/// <summary>The <c>--json</c> document; its shape is the contract in issue 3.</summary>
internal sealed record TriageReport(IReadOnlyList<InputReport> Inputs, IReadOnlyList<IncidentReport> Incidents);

internal sealed record InputReport(string Path, string Format, long Events, long Rejected, IReadOnlyList<ErrorReport> Errors)
{
    /// <summary>Things to know that are not errors (a Resolved alert); absent when there are none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ErrorReport>? Notices { get; init; }
}

internal sealed record ErrorReport(string Location, string Message);

internal sealed record IncidentReport(
    string Server,
    string Kind,
    long EventCount,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyList<EvidenceReport> Evidence,
    IReadOnlyList<string> Plan)
{
    public static IncidentReport From(Detection d) => new(
        d.Server,
        d.Kind.ToString(),
        d.EventCount,
        d.FirstSeen,
        d.LastSeen,
        [.. d.Evidence.Select(e => new EvidenceReport(e.Source, e.EventId, e.Count, e.TlsAlert, e.TlsAlertName, e.ErrorState, e.SspiError))],
        d.Plan);
}

internal sealed record EvidenceReport(
    string Source,
    int EventId,
    long Count,
    int? TlsAlert,
    string? TlsAlertName,
    string? ErrorState,
    string? SspiError);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(TriageReport))]
internal sealed partial class TriageJsonContext : JsonSerializerContext;
