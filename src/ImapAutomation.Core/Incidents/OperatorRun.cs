using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ImapAutomation.Core.Incidents;

/// <summary>
/// An operator's request to run one catalog runbook on one server (TriggerRunbook). <see cref="IdempotencyKey"/> is
/// the client's key for this trigger (an <c>Idempotency-Key</c> header); without one the engine derives a key from
/// the caller and the request, which deduplicates retries within <see cref="DerivedKeyWindow"/>.
/// </summary>
public sealed record OperatorRun(
    string Runbook,
    string Server,
    IReadOnlyDictionary<string, JsonElement> Parameters,
    bool WhatIf,
    string RequestedBy,
    bool CallerIsApprover,
    string? IdempotencyKey = null)
{
    public const int MaxKeyLength = 64;

    /// <summary>How long an identical trigger without a client key counts as a retry of the previous one.</summary>
    public static readonly TimeSpan DerivedKeyWindow = TimeSpan.FromMinutes(15);

    /// <summary>The key stored on the incident: the client's (prefixed <c>c:</c>) or one derived from the request (<c>d:</c>).</summary>
    public string Key()
    {
        if (IdempotencyKey is not null)
        {
            return "c:" + IdempotencyKey;
        }

        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{RequestedBy.ToLowerInvariant()}\n{Runbook}\n{Server.ToLowerInvariant()}\n{WhatIf}");
        foreach (var (name, value) in Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n{name}={value.GetRawText()}");
        }

        return "d:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 12));
    }

    /// <summary>True for a key of 1 to 64 characters out of letters, digits and <c>-_.:</c> (a GUID fits).</summary>
    public static bool IsWellFormedKey(string? key) =>
        key is { Length: > 0 and <= MaxKeyLength } && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}

public enum OperatorRunStatus
{
    /// <summary>Recorded; queued at once or awaiting approval (see the incident's state).</summary>
    Accepted,

    /// <summary>The same trigger was accepted before: nothing new was queued.</summary>
    Duplicate,

    /// <summary>The runbook is not in the catalog.</summary>
    UnknownRunbook,

    /// <summary>Server, parameters, caller or key do not pass validation.</summary>
    Invalid,

    /// <summary>Policy says not now: the server is busy, in maintenance, muted, or its DAG is being changed.</summary>
    Refused,
}

/// <summary>What became of an operator run: the operator-run incident and its request id, or the reasons it was refused.</summary>
public sealed record OperatorRunOutcome(OperatorRunStatus Status, Incident? Incident, string? RequestId, IReadOnlyList<string> Reasons);
