using System.Text.Json.Serialization;

namespace ImapAutomation.Core.Contracts;

/// <summary>Source-generated JSON for the queue contract: camelCase, enums as names, unknown members refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    MaxDepth = 16,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunbookRequest))]
[JsonSerializable(typeof(RunbookResult))]
internal sealed partial class ContractJsonContext : JsonSerializerContext;
