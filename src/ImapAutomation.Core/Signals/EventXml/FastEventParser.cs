using System.Buffers;
using System.Globalization;

namespace ImapAutomation.Core.Signals.EventXml;

/// <summary>
/// A fast path for the common shape of one Windows event (System and EventData, two levels, plain text and
/// attributes). It accepts a frame only when it has checked everything a conforming parser would; anything else
/// (comments, CDATA, DTDs, prefixes, other entities, deeper nesting, unusual characters, UserData, RenderingInfo)
/// returns false and goes to <see cref="EventElementReader"/>. A differential test holds the two to the same results.
/// </summary>
internal static class FastEventParser
{
    private const string EventNamespace = "http://schemas.microsoft.com/win/2004/08/events/event";

    // Characters that send a frame to the conforming parser wherever they appear: controls other than tab/CR/LF,
    // surrogates and the non-characters, and the markup a fast path does not handle (CDATA, comments, PIs, DTDs).
    private static readonly SearchValues<char> Unusual = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Where(c => c is not 9 and not 10 and not 13).Select(c => (char)c)) + "!?");

    public static bool TryRead(ReadOnlySpan<char> frame, out SignalEvent? result, StringPool? pool = null)
    {
        result = null;
        if (frame.ContainsAny(Unusual) || frame.ContainsAnyInRange('\uD800', '\uFFFF'))
        {
            return false;
        }

        string? provider = null, eventId = null, qualifiers = null, level = null, time = null, recordId = null;
        string? channel = null, computer = null;
        Dictionary<string, string>? named = null;
        List<string>? positional = null;
        Span<Range> attrNames = stackalloc Range[8];
        Span<Range> attrValues = stackalloc Range[8];
        string? section = null;
        var depth = 0;
        var pos = 0;
        var rootClosed = false;
        while (!rootClosed)
        {
            var lt = frame[pos..].IndexOf('<');
            if (lt < 0 || !frame.Slice(pos, lt).IsWhiteSpace())
            {
                return false; // text outside a leaf element
            }

            pos += lt;
            if (!TryStartTag(frame, ref pos, out var name, attrNames, attrValues, out var attrCount, out var empty))
            {
                return false;
            }

            if (depth == 0)
            {
                if (!name.SequenceEqual("Event"))
                {
                    return false;
                }
            }
            else if (depth == 1)
            {
                section = name.SequenceEqual("System") ? "System" : name.SequenceEqual("EventData") ? "EventData" : null;
                if (section is null)
                {
                    return false;
                }
            }
            else
            {
                // A leaf: text only (a child element sends the frame to the conforming parser).
                var content = string.Empty;
                if (!empty)
                {
                    var close = frame[pos..].IndexOf('<');
                    // Record IDs are unique per event: pooling them would only fill the pool.
                    if (close < 0 || !TryText(frame.Slice(pos, close), name.SequenceEqual("EventRecordID") ? null : pool, out var text))
                    {
                        return false;
                    }

                    pos += close;
                    if (pos + 1 >= frame.Length || frame[pos + 1] != '/' || !TryEndTag(frame, ref pos, name))
                    {
                        return false;
                    }

                    content = text!;
                }

                if (ReferenceEquals(section, "System"))
                {
                    switch (name)
                    {
                        case "Provider":
                            provider = Attribute(frame, "Name", attrNames, attrValues, attrCount, pool) ?? Attribute(frame, "EventSourceName", attrNames, attrValues, attrCount, pool);
                            break;
                        case "EventID":
                            qualifiers = Attribute(frame, "Qualifiers", attrNames, attrValues, attrCount, pool);
                            eventId = content;
                            break;
                        case "TimeCreated":
                            time = Attribute(frame, "SystemTime", attrNames, attrValues, attrCount, pool: null);
                            break;
                        case "Level":
                            level = content;
                            break;
                        case "EventRecordID":
                            recordId = content;
                            break;
                        case "Channel":
                            channel = content;
                            break;
                        case "Computer":
                            computer = content;
                            break;
                    }
                }
                else if (name.SequenceEqual("Data"))
                {
                    var dataName = Attribute(frame, "Name", attrNames, attrValues, attrCount, pool);
                    if (string.IsNullOrEmpty(dataName))
                    {
                        (positional ??= []).Add(content);
                    }
                    else
                    {
                        named ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                        named.TryAdd(dataName, content);
                    }
                }

                empty = true; // the leaf is complete
            }

            if (!empty)
            {
                depth++;
            }
            else if (depth == 0)
            {
                rootClosed = true;
                break;
            }

            // Close whatever ends here: the containers whose end tags follow.
            while (true)
            {
                var next = frame[pos..].IndexOf('<');
                if (next < 0)
                {
                    return false;
                }

                if (!frame.Slice(pos, next).IsWhiteSpace())
                {
                    return false;
                }

                if (frame[pos + next + 1] != '/')
                {
                    break;
                }

                pos += next;
                if (!TryEndTag(frame, ref pos, depth == 1 ? "Event" : section!))
                {
                    return false;
                }

                depth--;
                if (depth == 0)
                {
                    rootClosed = true;
                    break;
                }

                section = null;
            }
        }

        if (!frame[pos..].IsWhiteSpace())
        {
            return false;
        }

        result = EventElementReader.Build(provider, eventId, qualifiers, level, time, recordId, channel, computer, null, named, positional);
        return true;
    }

    private static string? Attribute(ReadOnlySpan<char> frame, string name, Span<Range> names, Span<Range> values, int count, StringPool? pool)
    {
        for (var i = 0; i < count; i++)
        {
            if (frame[names[i]].SequenceEqual(name))
            {
                return pool?.Get(frame[values[i]]) ?? frame[values[i]].ToString();
            }
        }

        return null;
    }

    private static bool TryStartTag(
        ReadOnlySpan<char> frame, ref int pos, out ReadOnlySpan<char> name, Span<Range> attrNames, Span<Range> attrValues, out int count, out bool empty)
    {
        count = 0;
        empty = false;
        var i = pos + 1;
        var nameStart = i;
        if (!TryName(frame, ref i))
        {
            name = default;
            return false;
        }

        name = frame[nameStart..i];
        while (true)
        {
            var ws = i;
            while (i < frame.Length && frame[i] is ' ' or '\t' or '\n' or '\r')
            {
                i++;
            }

            if (i >= frame.Length)
            {
                return false;
            }

            if (frame[i] == '>' || (frame[i] == '/' && i + 1 < frame.Length && frame[i + 1] == '>'))
            {
                empty = frame[i] == '/';
                pos = i + (empty ? 2 : 1);
                return true;
            }

            if (i == ws || count == attrNames.Length)
            {
                return false; // attributes must be separated by white space; more than a handful is not the common shape
            }

            var attrStart = i;
            if (!TryName(frame, ref i))
            {
                return false;
            }

            var attrName = frame[attrStart..i];
            if (i + 1 >= frame.Length || frame[i] != '=' || frame[i + 1] is not ('"' or '\''))
            {
                return false;
            }

            var quote = frame[i + 1];
            var valueStart = i + 2;
            var valueLength = frame[valueStart..].IndexOf(quote);
            if (valueLength < 0)
            {
                return false;
            }

            var value = frame.Slice(valueStart, valueLength);
            if (value.ContainsAny('<', '&', '\t') || value.ContainsAny('\n', '\r'))
            {
                return false;
            }

            if (attrName.StartsWith("xml", StringComparison.Ordinal) && !(attrName.SequenceEqual("xmlns") && value.SequenceEqual(EventNamespace)))
            {
                return false;
            }

            for (var k = 0; k < count; k++)
            {
                if (frame[attrNames[k]].SequenceEqual(attrName))
                {
                    return false;
                }
            }

            attrNames[count] = attrStart..(attrStart + attrName.Length);
            attrValues[count] = valueStart..(valueStart + valueLength);
            count++;
            i = valueStart + valueLength + 1;
        }
    }

    private static bool TryEndTag(ReadOnlySpan<char> frame, ref int pos, ReadOnlySpan<char> expected)
    {
        var i = pos + 2;
        if (!frame[i..].StartsWith(expected, StringComparison.Ordinal))
        {
            return false;
        }

        i += expected.Length;
        while (i < frame.Length && frame[i] is ' ' or '\t' or '\n' or '\r')
        {
            i++;
        }

        if (i >= frame.Length || frame[i] != '>')
        {
            return false;
        }

        pos = i + 1;
        return true;
    }

    /// <summary>ASCII names only: a letter or underscore, then letters, digits, '_', '-', '.'; no prefixes.</summary>
    private static bool TryName(ReadOnlySpan<char> frame, ref int i)
    {
        if (i >= frame.Length || !(char.IsAsciiLetter(frame[i]) || frame[i] == '_'))
        {
            return false;
        }

        i++;
        while (i < frame.Length && (char.IsAsciiLetterOrDigit(frame[i]) || frame[i] is '_' or '-' or '.'))
        {
            i++;
        }

        return true;
    }

    /// <summary>Decodes text with the five predefined entities and character references; declines anything else.</summary>
    private static bool TryText(ReadOnlySpan<char> raw, StringPool? pool, out string? text)
    {
        text = null;
        if (raw.Contains('\r') || raw.Contains("]]>", StringComparison.Ordinal) || (!raw.IsEmpty && raw.IsWhiteSpace()))
        {
            return false;
        }

        var amp = raw.IndexOf('&');
        if (amp < 0)
        {
            text = pool?.Get(raw) ?? raw.ToString();
            return true;
        }

        var builder = new System.Text.StringBuilder(raw.Length);
        while (amp >= 0)
        {
            builder.Append(raw[..amp]);
            raw = raw[(amp + 1)..];
            var semi = raw.IndexOf(';');
            if (semi <= 0)
            {
                return false;
            }

            var entity = raw[..semi];
            raw = raw[(semi + 1)..];
            switch (entity)
            {
                case "lt": builder.Append('<'); break;
                case "gt": builder.Append('>'); break;
                case "amp": builder.Append('&'); break;
                case "quot": builder.Append('"'); break;
                case "apos": builder.Append('\''); break;
                default:
                    if (entity[0] != '#' || !TryCharReference(entity[1..], out var c))
                    {
                        return false;
                    }

                    builder.Append(c);
                    break;
            }

            amp = raw.IndexOf('&');
        }

        builder.Append(raw);
        text = builder.ToString();
        // A reference that decodes to blank text is white space to a conforming reader: let it decide.
        return !text.AsSpan().IsWhiteSpace();
    }

    private static bool TryCharReference(ReadOnlySpan<char> digits, out char c)
    {
        c = default;
        var hex = !digits.IsEmpty && digits[0] == 'x';
        if (!int.TryParse(hex ? digits[1..] : digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var value) ||
            value is not (0x9 or 0xA or 0xD or (>= 0x20 and < 0xD800)))
        {
            return false;
        }

        c = (char)value;
        return true;
    }
}
