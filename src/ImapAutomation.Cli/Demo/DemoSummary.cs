using System.Text.Json.Serialization;

namespace ImapAutomation.Cli.Demo;

/// <summary>The machine-readable end of <c>imapauto demo --json</c>.</summary>
internal sealed record DemoSummary(
    string Scenario,
    bool Succeeded,
    string Verdict,
    IReadOnlyList<DemoIncident> Incidents,
    long EventsIngested,
    int RunbookRequests,
    long DurationMs,
    string DataFolder,
    DemoReplay? Replay);

internal sealed record DemoIncident(string Id, string Server, string Kind, string State, string? StateReason, IReadOnlyList<DemoRunbook> Runbooks, IReadOnlyList<DemoCard> Cards);

internal sealed record DemoRunbook(string Name, string Status, string? Outcome);

internal sealed record DemoCard(int Number, string Headline, string Json, string? Png);

/// <summary>The second delivery of the same storm: what it ingested and what it changed (nothing, when all is well).</summary>
internal sealed record DemoReplay(long EventsIngested, IReadOnlyList<string> Changes);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DemoSummary))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
