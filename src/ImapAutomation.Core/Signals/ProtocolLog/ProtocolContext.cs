using System.Text.RegularExpressions;

namespace ImapAutomation.Core.Signals.ProtocolLog;

/// <summary>The protocol log's context field: <c>key=value</c> pairs separated by <c>;</c>, values optionally in quotes.</summary>
internal static class ProtocolContext
{
    public static Dictionary<string, string> Parse(string context)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < context.Length)
        {
            var eq = context.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }

            var key = context[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < context.Length && context[i] == '"')
            {
                var close = context.IndexOf('"', i + 1);
                close = close < 0 ? context.Length : close;
                value = context[(i + 1)..close];
                i = close + 1;
                var semi = context.IndexOf(';', Math.Min(i, context.Length));
                i = semi < 0 ? context.Length : semi + 1;
            }
            else
            {
                var semi = context.IndexOf(';', i);
                var end = semi < 0 ? context.Length : semi;
                value = context[i..end];
                i = end + 1;
            }

            if (key.Length > 0)
            {
                result.TryAdd(key, value);
            }
        }

        return result;
    }

    public static (string Host, int Port)? ProxyTarget(string text)
    {
        var match = ProxyPattern.Match(text);
        return match.Success ? (match.Groups["host"].Value, int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture)) : null;
    }

    // Linear time on any log line, so no match timeout (which a busy machine could trip in wall-clock time).
    private static readonly Regex ProxyPattern = new(@"Proxy:(?<host>[A-Za-z0-9][A-Za-z0-9.\-]{0,252}):(?<port>\d{1,5})\b", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
}
