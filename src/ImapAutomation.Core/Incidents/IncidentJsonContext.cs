using System.Text.Json.Serialization;

namespace ImapAutomation.Core.Incidents;

/// <summary>The JSON columns of incident rows (plan, evidence, reopen times, fingerprints, breaker state).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(List<PlanStep>))]
[JsonSerializable(typeof(StateChange))]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(List<DateTimeOffset>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(Dictionary<string, DateTimeOffset>))]
internal sealed partial class IncidentJsonContext : JsonSerializerContext;
