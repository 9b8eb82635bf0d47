namespace ImapAutomation.Core.Contracts;

public enum ParameterType
{
    /// <summary>A short string restricted to <see cref="ParameterDefinition.Pattern"/>.</summary>
    Text,

    /// <summary>A DNS host name (RFC 1123 labels), nothing else: no spaces, quotes, semicolons or paths.</summary>
    HostName,

    WholeNumber,

    Boolean,

    /// <summary>A certificate thumbprint: 40 hexadecimal digits.</summary>
    Thumbprint,

    /// <summary>An Exchange ByteQuantifiedSize such as <c>10MB</c>; Min/Max bound the size in bytes.</summary>
    ByteSize,
}

/// <summary>One typed runbook parameter; <see cref="DefaultJson"/> is what the planner sends when the rule gives no value.</summary>
public sealed record ParameterDefinition(
    string Name,
    ParameterType Type,
    bool Required = false,
    long Min = 0,
    long Max = int.MaxValue,
    int MaxLength = 64,
    string? Pattern = null,
    string? DefaultJson = null);

public enum RunbookRisk
{
    /// <summary>Reads state only.</summary>
    ReadOnly,

    /// <summary>Changes that restore the intended configuration (certificate binding, restarts, log quota).</summary>
    Low,

    /// <summary>Changes to authentication or capacity: approval by default.</summary>
    High,
}

public sealed record RunbookDefinition(string Name, RunbookRisk Risk, IReadOnlyList<ParameterDefinition> Parameters);
