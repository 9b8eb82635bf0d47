using System.Globalization;
using System.Numerics;

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

        if (TryParseSystemTime(text.AsSpan(), out value))
        {
            return true;
        }

        var s = TrimFraction(text.Trim());
        const DateTimeStyles Styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (s.Length >= 10 && s[4] == '-' && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, Styles, out value))
        {
            return true;
        }

        return DateTimeOffset.TryParseExact(s, LocalStyleFormats, CultureInfo.InvariantCulture, Styles, out value);
    }

    /// <summary>The exact shape Windows writes (<c>2019-02-22T20:38:41.809566900Z</c>), without the general parser's cost.</summary>
    /// <remarks>Generic so the Event XML fast path reads the UTF-8 bytes directly; T is char or byte.</remarks>
    internal static bool TryParseSystemTime<T>(ReadOnlySpan<T> s, out DateTimeOffset value)
        where T : unmanaged, IBinaryInteger<T>
    {
        value = default;
        if (s.Length < 20 || s.Length > 30 || !Is(s[4], '-') || !Is(s[7], '-') || !Is(s[10], 'T') || !Is(s[13], ':') || !Is(s[16], ':') || !Is(s[^1], 'Z') ||
            !Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day) ||
            !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second) ||
            year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        long ticks = 0;
        if (s.Length > 20)
        {
            if (!Is(s[19], '.') || s.Length == 21)
            {
                return false;
            }

            // Up to 7 digits are ticks; further digits (Windows writes 9) are below a tick and dropped, as the general path does.
            var scale = 1_000_000L;
            for (var i = 20; i < s.Length - 1; i++)
            {
                var digit = int.CreateTruncating(s[i]) - '0';
                if ((uint)digit > 9)
                {
                    return false;
                }

                ticks += digit * scale;
                scale /= 10;
            }
        }

        value = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero).AddTicks(ticks);
        return true;
    }

    private static bool Is<T>(T c, char expected)
        where T : unmanaged, IBinaryInteger<T> => int.CreateTruncating(c) == expected;

    private static bool Digits<T>(ReadOnlySpan<T> s, int start, int count, out int value)
        where T : unmanaged, IBinaryInteger<T>
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = int.CreateTruncating(s[i]) - '0';
            if ((uint)digit > 9)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
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
