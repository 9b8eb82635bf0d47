using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImapAutomation.Core.LogAnalytics;

// The query API's documented JSON: request {query, timespan}; response {tables:[{name,columns,rows}], error?}.
internal sealed record LogsQueryRequestBody(
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("timespan")] string? Timespan);

internal sealed record LogsResponseBody(
    [property: JsonPropertyName("tables")] List<LogsTableBody>? Tables,
    [property: JsonPropertyName("error")] LogsErrorBody? Error);

internal sealed record LogsTableBody(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("columns")] List<LogsColumnBody>? Columns,
    [property: JsonPropertyName("rows")] List<JsonElement[]>? Rows);

internal sealed record LogsColumnBody(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("type")] string? Type);

internal sealed record LogsErrorBody(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("details")] List<LogsErrorBody>? Details);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LogsQueryRequestBody))]
[JsonSerializable(typeof(LogsResponseBody))]
internal sealed partial class LogsJsonContext : JsonSerializerContext;
