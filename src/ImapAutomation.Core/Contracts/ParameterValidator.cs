using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ImapAutomation.Core.Contracts;

/// <summary>Checks a request's target and parameters against the catalog; every problem is named, none is fixed up.</summary>
public static class ParameterValidator
{
    public const int MaxParameters = 16;

    // Linear-time matching: hostile input cannot make a pattern backtrack, so no match timeout is needed, and none can
    // fire spuriously when a busy machine deschedules the thread mid-match (a timeout is measured in wall-clock time).
    private const RegexOptions Linear = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    // Lengths are checked before matching (253 for host names), so the patterns need no lookahead.
    private static readonly Regex HostName = new(@"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\z", Linear);
    private static readonly Regex Principal = new(@"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+\z", Linear);
    private static readonly Regex Thumbprint = new(@"^[0-9A-Fa-f]{40}\z", Linear);
    private static readonly Regex ByteSize = new(@"^([0-9]{1,12}) ?(B|KB|MB|GB)\z", Linear | RegexOptions.IgnoreCase);

    public static bool IsHostName(string? value) => value is { Length: > 0 and <= 253 } && HostName.IsMatch(value);

    /// <summary>UPN-like identity (<c>user@domain</c>) or the word <c>system</c>.</summary>
    public static bool IsPrincipal(string? value) =>
        value is { Length: > 0 and <= 256 } && (value == "system" || Principal.IsMatch(value));

    public static IReadOnlyList<string> Validate(string? runbook, string? targetServer, IReadOnlyDictionary<string, JsonElement>? parameters)
    {
        var errors = new List<string>();
        if (!IsHostName(targetServer))
        {
            errors.Add($"targetServer {Show(targetServer)} is not a DNS host name");
        }

        if (!RunbookCatalog.TryGet(runbook, out var definition))
        {
            errors.Add($"runbook {Show(runbook)} is not in the catalog");
            return errors;
        }

        parameters ??= new Dictionary<string, JsonElement>();
        if (parameters.Count > MaxParameters)
        {
            errors.Add($"{parameters.Count} parameters given, at most {MaxParameters} allowed");
            return errors;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in parameters)
        {
            // PowerShell binds parameter names case-insensitively: two spellings of one name would be ambiguous.
            if (!seen.Add(name))
            {
                errors.Add($"parameter {Show(name)} is given twice");
                continue;
            }

            var parameter = definition.Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));
            var error = parameter is null
                ? $"is not a parameter of {definition.Name}"
                : CheckValue(parameter, value);
            if (error is not null)
            {
                errors.Add($"parameter {Show(name)} {error}");
            }
        }

        foreach (var required in definition.Parameters.Where(p => p.Required && !parameters.ContainsKey(p.Name)))
        {
            errors.Add($"parameter '{required.Name}' is required by {definition.Name}");
        }

        return errors;
    }

    /// <summary>The catalog defaults of a runbook, as the planner sends them when the rule gives no values.</summary>
    public static IReadOnlyDictionary<string, JsonElement> Defaults(RunbookDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var parameter in definition.Parameters.Where(p => p.DefaultJson is not null))
        {
            using var document = JsonDocument.Parse(parameter.DefaultJson!);
            values[parameter.Name] = document.RootElement.Clone();
        }

        return values;
    }

    /// <summary>Parses an Exchange ByteQuantifiedSize (<c>10MB</c>, <c>512 KB</c>) into bytes.</summary>
    public static bool TryParseByteSize(string? text, out long bytes)
    {
        bytes = 0;
        var match = text is { Length: <= 24 } ? ByteSize.Match(text) : Match.Empty;
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var unit = match.Groups[2].Value.ToUpperInvariant() switch
        {
            "B" => 1L,
            "KB" => 1024L,
            "MB" => 1024L * 1024,
            "GB" => 1024L * 1024 * 1024,
            _ => 0L,
        };
        if (unit == 0 || number > long.MaxValue / unit)
        {
            return false;
        }

        bytes = number * unit;
        return true;
    }

    private static string? CheckValue(ParameterDefinition parameter, JsonElement value)
    {
        var range = $"{parameter.Min.ToString(CultureInfo.InvariantCulture)}..{parameter.Max.ToString(CultureInfo.InvariantCulture)}";
        switch (parameter.Type)
        {
            case ParameterType.WholeNumber:
                return IsInteger(value, parameter, out _) ? null : $"must be an integer {range}, got {Describe(value)}";
            case ParameterType.Boolean:
                return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : $"must be true or false, got {Describe(value)}";
            default:
                break;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return $"must be a string, got {Describe(value)}";
        }

        var text = value.GetString()!;
        var maxLength = parameter.Type == ParameterType.HostName ? 253 : parameter.MaxLength;
        if (text.Length > maxLength)
        {
            return $"is {text.Length} characters long, at most {maxLength} allowed";
        }

        return parameter.Type switch
        {
            ParameterType.HostName => IsHostName(text) ? null : $"must be a DNS host name, got {Show(text)}",
            ParameterType.Thumbprint => Thumbprint.IsMatch(text) ? null : $"must be 40 hexadecimal digits, got {Show(text)}",
            ParameterType.ByteSize => TryParseByteSize(text, out var bytes) && bytes >= parameter.Min && bytes <= parameter.Max
                ? null
                : $"must be a size such as 10MB between {parameter.Min} and {parameter.Max} bytes, got {Show(text)}",
            _ => parameter.Pattern is not null && Regex.IsMatch(text, parameter.Pattern, Linear)
                ? null
                : $"does not match {parameter.Pattern}: {Show(text)}",
        };
    }

    private static bool IsInteger(JsonElement value, ParameterDefinition parameter, out long number)
    {
        number = 0;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out number) && number >= parameter.Min && number <= parameter.Max;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "string " + Show(value.GetString()),
        JsonValueKind.Number => "number " + Show(value.GetRawText()),
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "nothing",
    };

    /// <summary>Quotes a value for a reason text: cut to 40 characters, control characters escaped.</summary>
    public static string Show(string? value)
    {
        if (value is null)
        {
            return "(none)";
        }

        var builder = new StringBuilder("'");
        foreach (var c in value.Length > 40 ? value[..40] : value)
        {
            _ = char.IsControl(c) ? builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : builder.Append(c);
        }

        return builder.Append(value.Length > 40 ? $"...' ({value.Length} chars)" : "'").ToString();
    }
}
