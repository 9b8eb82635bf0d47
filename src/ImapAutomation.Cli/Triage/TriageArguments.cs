using System.Globalization;
using System.Text.RegularExpressions;

namespace ImapAutomation.Cli.Triage;

/// <summary><c>triage [--json] [--window 30m] PATH...</c>, parsed; <see cref="Error"/> says what is wrong with a bad command line.</summary>
internal sealed partial record TriageArguments(bool Json, TimeSpan Window, IReadOnlyList<string> Paths, string? Error)
{
    public static TriageArguments Parse(IReadOnlyList<string> args)
    {
        var json = false;
        var window = TimeSpan.FromMinutes(30);
        var paths = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--json")
            {
                json = true;
            }
            else if (arg == "--window" || arg.StartsWith("--window=", StringComparison.Ordinal))
            {
                var value = arg.Length > "--window".Length ? arg["--window=".Length..] : (i + 1 < args.Count ? args[++i] : null);
                if (!TryParseDuration(value, out window))
                {
                    return Fail($"--window needs a duration such as 30m, 2h or 90s (got '{value}')");
                }
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                return Fail($"unknown option '{arg}'");
            }
            else
            {
                paths.Add(arg);
            }
        }

        return paths.Count == 0 ? Fail("give at least one file or folder to read") : new TriageArguments(json, window, paths, null);

        TriageArguments Fail(string error) => new(json, window, paths, error);
    }

    public static bool TryParseDuration(string? text, out TimeSpan value)
    {
        value = default;
        if (text is null)
        {
            return false;
        }

        var match = DurationPattern().Match(text);
        if (match.Success)
        {
            var n = long.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            value = match.Groups["unit"].Value switch
            {
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                _ => TimeSpan.FromDays(n),
            };
        }
        else if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }

        return value >= TimeSpan.FromSeconds(1) && value <= TimeSpan.FromDays(7);
    }

    [GeneratedRegex(@"^(?<n>\d{1,6})(?<unit>[smhd])$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
