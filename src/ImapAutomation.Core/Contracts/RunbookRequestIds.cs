using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ImapAutomation.Core.Contracts;

/// <summary>
/// Request ids derived from what they stand for, so every writer that decides the same step computes the same id
/// and the outbox, the queue and the worker's ledger can deduplicate on it. 32 hex digits also make a valid
/// Azure Automation job name (a GUID) should that back end be used.
/// </summary>
public static class RunbookRequestIds
{
    public static string For(string incidentId, int episode, int step, int attempt)
    {
        ArgumentException.ThrowIfNullOrEmpty(incidentId);
        ArgumentOutOfRangeException.ThrowIfNegative(episode);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var text = string.Create(CultureInfo.InvariantCulture, $"imapauto/request/v1\n{incidentId}\n{episode}\n{step}\n{attempt}");
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    public static bool IsWellFormed(string? requestId) =>
        requestId is { Length: 32 } && requestId.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
