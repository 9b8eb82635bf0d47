using System.Text.Json.Serialization;

namespace ImapAutomation.HybridWorker.Dispatch;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunbookOutcome))]
public sealed partial class DispatchJsonContext : JsonSerializerContext;
