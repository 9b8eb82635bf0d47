using System.Text;
using System.Text.RegularExpressions;

namespace ImapAutomation.Core.Probe;

/// <summary>Reads and writes IMAP lines one byte at a time, so nothing past a line is consumed before STARTTLS.</summary>
internal static partial class ImapLine
{
    /// <summary>A greeting or CAPABILITY line is short; a server sending more is broken or hostile.</summary>
    public const int MaxBytes = 8192;

    public static async Task<string?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[1];
        using var line = new MemoryStream();
        while (true)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return line.Length == 0 ? null : Decode(line);
            }

            if (buffer[0] == (byte)'\n')
            {
                return Decode(line);
            }

            if (line.Length >= MaxBytes)
            {
                throw new ImapProtocolException($"The server sent a line longer than {MaxBytes} bytes.");
            }

            line.WriteByte(buffer[0]);
        }
    }

    public static async Task WriteAsync(Stream stream, string command, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads to the tagged answer of <paramref name="tag"/>, returning it and the untagged lines before it.</summary>
    public static async Task<(string Tagged, List<string> Untagged)> ReadResponseAsync(Stream stream, string tag, CancellationToken cancellationToken)
    {
        var untagged = new List<string>();
        while (true)
        {
            var line = await ReadAsync(stream, cancellationToken).ConfigureAwait(false)
                ?? throw new ImapProtocolException($"The server closed the connection before answering {tag}.");
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return (line, untagged);
            }

            if (untagged.Count >= 100)
            {
                throw new ImapProtocolException($"The server sent more than 100 lines before answering {tag}.");
            }

            untagged.Add(line);
        }
    }

    /// <summary>Parses <c>* BYE text [code]</c>; Exchange ends its BYE with a numeric reason (14: no certificate).</summary>
    public static bool TryParseBye(string line, out string text, out int? code)
    {
        var match = ByePattern().Match(line);
        text = match.Success ? match.Groups["text"].Value.Trim() : "";
        code = match.Success && match.Groups["code"].Success && int.TryParse(match.Groups["code"].ValueSpan, out var c) ? c : null;
        return match.Success;
    }

    public static IReadOnlyList<string> ParseCapabilities(IEnumerable<string> untagged)
    {
        var capabilities = new List<string>();
        foreach (var line in untagged)
        {
            if (line.StartsWith("* CAPABILITY ", StringComparison.OrdinalIgnoreCase))
            {
                capabilities.AddRange(line["* CAPABILITY ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return capabilities;
    }

    private static string Decode(MemoryStream line) => Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length).TrimEnd('\r');

    [GeneratedRegex(@"^\*\s+BYE\b(?<text>.*?)(?:\s(?<code>\d{1,4}))?\s*$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex ByePattern();
}

/// <summary>The server broke the IMAP protocol.</summary>
internal sealed class ImapProtocolException(string message) : Exception(message);
