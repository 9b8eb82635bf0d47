using System.Globalization;

namespace ImapAutomation.Core.Signals;

/// <summary>Parses the time stamps the inputs carry; Windows writes 9 fractional digits, more than .NET's 7.</summary>
internal static class EventTime
{
    private static readonly string[] LocalStyleFormats =
    [
        "M/d/yyyy, h:mm:ss.fff tt", "M/d/yyyy, h:mm:ss tt", "M/d/yyyy h:mm:ss.fff tt", "M/d/yyyy h:mm:ss tt",
        "M/d/yyyy, H:mm:ss.fff", "M/d/yyyy, H:mm:ss", "M/d/yyyy H:mm:ss.fff", "M/d/yyyy H:mm:ss",
    ];

    /// <summary>ISO 8601 with or without offset (no offset means UTC), or the portal's local-style export format.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = TrimFraction(text.Trim());
        const DateTimeStyles Styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (s.Length >= 10 && s[4] == '-' && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, Styles, out value))
        {
            return true;
        }

        return DateTimeOffset.TryParseExact(s, LocalStyleFormats, CultureInfo.InvariantCulture, Styles, out value);
    }

    private static string TrimFraction(string s)
    {
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return s;
        }

        var digitsEnd = dot + 1;
        while (digitsEnd < s.Length && char.IsAsciiDigit(s[digitsEnd]))
        {
            digitsEnd++;
        }

        return digitsEnd - dot - 1 > 7 ? string.Concat(s.AsSpan(0, dot + 8), s.AsSpan(digitsEnd)) : s;
    }
}
