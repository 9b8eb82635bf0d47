using System.Runtime.CompilerServices;
using System.Xml;

namespace ImapAutomation.Core.Signals.EventXml;

/// <summary>
/// Streams Windows Event XML: one event, an <c>&lt;Events&gt;</c> wrapper, or events concatenated with no root
/// (wevtutil). Each event is framed from <c>&lt;Event</c> to <c>&lt;/Event&gt;</c> and parsed on its own by a
/// conforming XmlReader, so an error costs one event and reading resumes at the next <c>&lt;Event</c>.
/// </summary>
/// <remarks>
/// Framing is textual: a literal <c>&lt;/Event&gt;</c> inside a CDATA section would end the frame early, the XmlReader
/// then rejects the fragment and reading resumes. Windows never writes CDATA in event XML.
/// </remarks>
internal sealed class WindowsEventXmlParser
{
    private const string EventStart = "<Event";
    private const string EventEnd = "</Event";
    private const int ReadChunk = 64 * 1024;

    private readonly TextReader _reader;
    private readonly SignalReaderOptions _options;
    private char[] _buffer = new char[ReadChunk * 2];
    private long _bufferBase;
    private int _position;
    private int _end;
    private bool _eof;
    private long _line = 1;
    private long _lineStart;

    public WindowsEventXmlParser(TextReader reader, SignalReaderOptions options)
    {
        _reader = reader;
        _options = options;
    }

    /// <summary>Characters consumed so far, for progress reports.</summary>
    public long Consumed => _bufferBase + _position;

    public async IAsyncEnumerable<SignalItem> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var events = new EventElementReader(_options);
        var sawGarbage = false;
        while (true)
        {
            var lt = await FindAdvancingAsync("<", cancellationToken).ConfigureAwait(false);
            if (!sawGarbage && lt.Garbage is { } garbageAt)
            {
                yield return new SignalRejection(garbageAt, "text outside any event (not XML, or binary data); skipped to the next <Event");
            }

            if (!lt.Found)
            {
                yield break;
            }

            await EnsureAsync(16, cancellationToken).ConfigureAwait(false);
            var rest = _buffer.AsSpan(_position, _end - _position);
            sawGarbage = false;
            if (IsEventStart(rest))
            {
                await foreach (var item in ReadEventAsync(events, cancellationToken).ConfigureAwait(false))
                {
                    yield return item;
                }
            }
            else if (rest.StartsWith("<?") || rest.StartsWith("<!--"))
            {
                var location = Location();
                var closer = rest[1] == '?' ? "?>" : "-->";
                if (!(await FindAdvancingAsync(closer, cancellationToken).ConfigureAwait(false)).Found)
                {
                    yield return new SignalRejection(location, "truncated: a comment or processing instruction is not closed");
                    yield break;
                }

                Advance(_position + closer.Length);
            }
            else if (rest.StartsWith("<!"))
            {
                yield return new SignalRejection(Location(), "document type declarations (DTDs) are refused and never processed; skipped to the next <Event");
                sawGarbage = await ResyncAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (IsTag(rest, "<Events") || IsTag(rest, "</Events"))
            {
                Advance(_position + 1);
                await FindAdvancingAsync(">", cancellationToken).ConfigureAwait(false);
                Advance(Math.Min(_position + 1, _end));
            }
            else
            {
                yield return new SignalRejection(Location(), $"unexpected markup '{Describe(rest)}' where an <Event> was expected; skipped to the next <Event");
                sawGarbage = await ResyncAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async IAsyncEnumerable<SignalItem> ReadEventAsync(EventElementReader events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var startLocation = Location();
        var (line, column) = (_line, _bufferBase + _position - _lineStart + 1);
        var endIndex = await FindEventEndAsync(cancellationToken).ConfigureAwait(false);
        if (endIndex == -2)
        {
            yield return new SignalRejection(startLocation, $"event larger than {_options.MaxEventChars} characters; skipped to the next <Event");
            Advance(_position + 1);
            await ResyncAsync(cancellationToken).ConfigureAwait(false);
            yield break;
        }

        if (endIndex == -1)
        {
            var nested = IndexOfEventStart(_buffer.AsSpan(_position + 1, _end - _position - 1));
            if (nested < 0)
            {
                yield return new SignalRejection(startLocation, "truncated: the event has no </Event> before the end of the input");
                Advance(_end);
                yield break;
            }

            yield return new SignalRejection(startLocation, "truncated: the event is not closed before the next <Event");
            Advance(_position + 1 + nested);
            yield break;
        }

        var length = endIndex - _position;
        SignalItem item;
        var nextStart = -1;
        try
        {
            item = events.Read(_buffer, _position, length);
        }
        catch (XmlException ex)
        {
            nextStart = IndexOfEventStart(_buffer.AsSpan(_position + 1, length - 1));
            var errorLine = line + ex.LineNumber - 1;
            var errorColumn = ex.LineNumber <= 1 ? column + ex.LinePosition - 1 : ex.LinePosition;
            item = new SignalRejection($"line {errorLine}, column {errorColumn}", $"malformed event XML: {FirstSentence(ex.Message)}");
        }
        catch (EventFormatException ex)
        {
            item = new SignalRejection(startLocation, $"unusable event: {ex.Message}");
        }

        // A start tag inside a rejected frame means the earlier event was cut short: resume there, not after it.
        Advance(nextStart >= 0 ? _position + 1 + nextStart : endIndex);
        yield return item;
    }

    /// <summary>Index just past <c>&lt;/Event&gt;</c>, -1 at end of input, -2 when the event exceeds the size limit.</summary>
    private async ValueTask<int> FindEventEndAsync(CancellationToken cancellationToken)
    {
        var from = _position + EventStart.Length;
        while (true)
        {
            var idx = _buffer.AsSpan(from, _end - from).IndexOf(EventEnd, StringComparison.Ordinal);
            if (idx >= 0)
            {
                var at = from + idx;
                var after = at + EventEnd.Length;
                while (after < _end && char.IsWhiteSpace(_buffer[after]))
                {
                    after++;
                }

                if (after >= _end && !_eof)
                {
                    from = await FillKeepingAsync(at, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (after < _end && _buffer[after] == '>')
                {
                    return after + 1 - _position > _options.MaxEventChars ? -2 : after + 1;
                }

                from = at + 1;
                continue;
            }

            if (_end - _position > _options.MaxEventChars)
            {
                return -2;
            }

            if (_eof)
            {
                return -1;
            }

            from = await FillKeepingAsync(Math.Max(from, _end - EventEnd.Length), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads more input keeping [_position, _end); returns <paramref name="index"/> translated to the new buffer.</summary>
    private async ValueTask<int> FillKeepingAsync(int index, CancellationToken cancellationToken)
    {
        var shift = _position;
        await FillAsync(cancellationToken).ConfigureAwait(false);
        return index - shift;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_position > 0)
        {
            Array.Copy(_buffer, _position, _buffer, 0, _end - _position);
            _bufferBase += _position;
            _end -= _position;
            _position = 0;
        }

        if (_buffer.Length - _end < ReadChunk)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var n = await _reader.ReadAsync(_buffer.AsMemory(_end, ReadChunk), cancellationToken).ConfigureAwait(false);
        if (n == 0)
        {
            _eof = true;
        }

        _end += n;
    }

    private async ValueTask EnsureAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _position < count && !_eof)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Moves to the next <paramref name="token"/> without keeping what it skips; reports where non-blank text was skipped.</summary>
    private async ValueTask<(bool Found, string? Garbage)> FindAdvancingAsync(string token, CancellationToken cancellationToken)
    {
        string? garbage = null;
        while (true)
        {
            var span = _buffer.AsSpan(_position, _end - _position);
            var idx = span.IndexOf(token, StringComparison.Ordinal);
            var skipped = idx >= 0 ? span[..idx] : span[..Math.Max(0, span.Length - token.Length + 1)];
            if (garbage is null && token == "<")
            {
                var nonBlank = skipped.IndexOfAnyExcept(" \t\r\n\uFEFF");
                if (nonBlank >= 0)
                {
                    Advance(_position + nonBlank);
                    garbage = Location();
                    skipped = skipped[nonBlank..];
                }
            }

            Advance(_position + skipped.Length);
            if (idx >= 0)
            {
                return (true, garbage);
            }

            if (_eof)
            {
                Advance(_end);
                return (false, garbage);
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Skips to the next event start tag; true when something was skipped (so the caller does not report it twice).</summary>
    private async ValueTask<bool> ResyncAsync(CancellationToken cancellationToken)
    {
        Advance(Math.Min(_position + 1, _end));
        while (true)
        {
            var idx = IndexOfEventStart(_buffer.AsSpan(_position, _end - _position), requireDelimiter: !_eof);
            if (idx >= 0)
            {
                Advance(_position + idx);
                return true;
            }

            Advance(Math.Max(_position, _end - EventStart.Length));
            if (_eof)
            {
                Advance(_end);
                return true;
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Advance(int newPosition)
    {
        var span = _buffer.AsSpan(_position, newPosition - _position);
        var newlines = span.Count('\n');
        if (newlines > 0)
        {
            _line += newlines;
            _lineStart = _bufferBase + _position + span.LastIndexOf('\n') + 1;
        }

        _position = newPosition;
    }

    private string Location() => $"line {_line}, column {_bufferBase + _position - _lineStart + 1}";

    /// <summary>Index of the next <c>&lt;Event</c> start tag (not Events, EventData, EventID...), or -1.</summary>
    private static int IndexOfEventStart(ReadOnlySpan<char> span, bool requireDelimiter = true)
    {
        var offset = 0;
        while (true)
        {
            var idx = span[offset..].IndexOf(EventStart, StringComparison.Ordinal);
            if (idx < 0)
            {
                return -1;
            }

            var at = offset + idx;
            var next = at + EventStart.Length;
            if (next >= span.Length)
            {
                // A start tag cut by the buffer end: report "not found" so the caller reads more and looks again.
                return requireDelimiter ? -1 : at;
            }

            if (IsDelimiter(span[next]))
            {
                return at;
            }

            offset = at + 1;
        }
    }

    private static bool IsEventStart(ReadOnlySpan<char> rest) => IsTag(rest, EventStart);

    private static bool IsTag(ReadOnlySpan<char> rest, string tag) =>
        rest.StartsWith(tag, StringComparison.Ordinal) && (rest.Length == tag.Length || IsDelimiter(rest[tag.Length]));

    private static bool IsDelimiter(char c) => c is '>' or '/' or ' ' or '\t' or '\r' or '\n';

    private static string Describe(ReadOnlySpan<char> rest)
    {
        var end = rest.IndexOfAny(" \t\r\n>");
        var tag = end < 0 ? rest : rest[..end];
        return EventElementReader.Truncate(new string(tag[..Math.Min(tag.Length, 41)]));
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Line ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut].TrimEnd('.', ' ') : message;
    }
}
