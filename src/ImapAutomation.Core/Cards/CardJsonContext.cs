using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ImapAutomation.Core.Cards;

/// <summary>Source-generated JSON for cards and their envelopes.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class CardJsonContext : JsonSerializerContext;
