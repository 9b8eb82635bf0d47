using System.Text.Json.Serialization;

namespace ImapAutomation.Core.Probe;

/// <summary>The probe result's JSON shape (camelCase, enums as names), for the CLI and the worker's report.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImapTlsProbeResult))]
public sealed partial class ProbeJsonContext : JsonSerializerContext;
