using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ImapAutomation.Core.Cards;

/// <summary>Turns untrusted text (anything that came from an event, a log or a runbook) into text a card can show safely.</summary>
/// <remarks>
/// Teams runs TextBlock and FactSet text through its markdown subset and resolves <c>&lt;at&gt;</c> mentions, and bare
/// URLs become links. So event text is (1) stripped of control, bidi and zero-width characters and folded onto one line,
/// (2) cut to a length budget, (3) defanged (<c>https[:]//</c>, <c>www[.]</c>, <c>[@]</c>) so it cannot become a link
/// or an address, and (4) every markdown-significant character is backslash-escaped (CommonMark escapes), which also
/// turns <c>&lt;at&gt;</c> into text that no mention entity can match.
/// </remarks>
internal static partial class CardText
{
    private const char Ellipsis = '\u2026';

    /// <summary>Sanitised, cut and markdown-escaped: for TextBlock text and FactSet titles and values.</summary>
    public static string Escape(string? value, int maxLength, ref bool truncated)
        => EscapeMarkdown(Defang(Sanitize(value, maxLength, ref truncated)));

    /// <summary>Control, bidi and zero-width characters removed, whitespace folded to single spaces, cut to <paramref name="maxLength"/>.</summary>
    public static string Sanitize(string? value, int maxLength, ref bool truncated)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(value.Length, maxLength + 1));
        var pendingSpace = false;
        for (var i = 0; i < value.Length && builder.Length <= maxLength; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    AppendPendingSpace(builder, ref pendingSpace);
                    builder.Append(c).Append(value[++i]);
                }

                continue;
            }

            if (char.IsLowSurrogate(c) || IsInvisible(c))
            {
                continue;
            }

            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            AppendPendingSpace(builder, ref pendingSpace);
            builder.Append(c);
        }

        if (builder.Length > maxLength)
        {
            var cut = maxLength - 1;
            if (char.IsLowSurrogate(builder[cut]))
            {
                cut--;
            }

            builder.Length = cut;
            builder.Append(Ellipsis);
            truncated = true;
        }

        return builder.ToString();
    }

    private static void AppendPendingSpace(StringBuilder builder, ref bool pendingSpace)
    {
        if (pendingSpace)
        {
            builder.Append(' ');
            pendingSpace = false;
        }
    }

    /// <summary>Format characters that reorder or hide text (Trojan Source style) and have no business in a card.</summary>
    private static bool IsInvisible(char c) =>
        CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;

    /// <summary>Breaks URL schemes, <c>www.</c> and e-mail addresses so no renderer turns them into links.</summary>
    internal static string Defang(string value)
    {
        if (value.Length == 0)
        {
            return value;
        }

        value = SchemeRegex().Replace(value, "$1[:]//");
        value = WwwRegex().Replace(value, "$1[.]");
        return value.Replace("@", "[@]", StringComparison.Ordinal);
    }

    /// <summary>Backslash-escapes every character the Teams markdown subset, CommonMark or mention parsing could act on.</summary>
    internal static string EscapeMarkdown(string value)
    {
        if (value.Length == 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c is '\\' or '`' or '*' or '_' or '~' or '[' or ']' or '(' or ')' or '<' or '>' or '|' or '#' or '&' or '!' or '{' or '}')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        // A line that starts like a list item or a heading rule would turn into one.
        if (builder[0] is '-' or '+' or '=')
        {
            builder.Insert(0, '\\');
        }
        else
        {
            var ordered = OrderedListRegex().Match(builder.ToString());
            if (ordered.Success)
            {
                builder.Insert(ordered.Groups[1].Length, '\\');
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex("(?i)\\b([a-z][a-z0-9+.-]{0,31}):/{2}", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex SchemeRegex();

    [GeneratedRegex("(?i)\\b(www)\\.", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex WwwRegex();

    [GeneratedRegex("^([0-9]{1,9})[.)]", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex OrderedListRegex();
}
