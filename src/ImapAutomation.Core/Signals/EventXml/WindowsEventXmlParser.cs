using System.Runtime.CompilerServices;
using System.Text;
using System.Xml;

namespace ImapAutomation.Core.Signals.EventXml;

/// <summary>
/// Streams Windows Event XML: one event, an <c>&lt;Events&gt;</c> wrapper, or events concatenated with no root
/// (wevtutil). Each event is framed from <c>&lt;Event</c> to <c>&lt;/Event&gt;</c> on the UTF-8 bytes and parsed on its
/// own (<see cref="EventElementReader"/>), so an error costs one event and reading resumes at the next <c>&lt;Event</c>.
/// </summary>
/// <remarks>
/// Framing is textual: a literal <c>&lt;/Event&gt;</c> inside a CDATA section would end the frame early, the XmlReader
/// then rejects the fragment and reading resumes. Windows never writes CDATA in event XML.
/// The input is read in large blocks asynchronously and every event in a block is framed and parsed synchronously: the
/// per-event path has no awaits. Locations are lines and columns in characters, as a text reader would count them.
/// </remarks>
internal sealed class WindowsEventXmlParser : IAsyncEnumerable<SignalItem>, IAsyncEnumerator<SignalItem>
{
    private const int ReadChunk = 1024 * 1024;

    // Enough bytes after a '<' to tell what the markup is and to name it in a rejection.
    private const int MarkupLookahead = 256;

    private readonly Stream _stream;
    private readonly SignalReaderOptions _options;
    private readonly EventElementReader _events;
    private CancellationToken _cancellationToken;
    private byte[] _buffer = new byte[ReadChunk + MarkupLookahead];
    private int _position;
    private int _end;
    private bool _eof;
    private bool _started;
    private long _line = 1;
    private long _columnChars;
    private int _mark;
    private Mode _mode;
    private bool _sawGarbage;
    private string? _garbage;
    private int _scanOffset;

    // The last search for an end tag (buffer indices, valid until the buffer moves): none starts in
    // [_endSearchedFrom, _endTagAt); the one at _endTagAt ends just before _endFound (-1 when none was found).
    private int _endSearchedFrom = -1;
    private int _endTagAt;
    private int _endFound;
    private long _endSearchBytes;
    private bool _resyncStarted;
    private string? _markupLocation;

    public WindowsEventXmlParser(Stream stream, SignalReaderOptions options, CancellationToken cancellationToken)
    {
        _stream = stream;
        _cancellationToken = cancellationToken;
        _options = options;
        _events = new EventElementReader(options);
    }

    private enum Mode
    {
        Seek,
        Markup,
        Event,
        SkipComment,
        SkipInstruction,
        SkipTagEnd,
        Resync,
    }

    public SignalItem Current { get; private set; } = null!;

    /// <summary>Bytes searched for end tags, and characters the conforming parser decoded: for the tests that hold hostile input to linear cost.</summary>
    internal (long EndSearchBytes, long CharsDecoded) Work => (_endSearchBytes, _events.CharsDecoded);

    private static ReadOnlySpan<byte> EventStart => "<Event"u8;

    private static ReadOnlySpan<byte> EventEnd => "</Event"u8;

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>The items of the input; read once.</summary>
    public IAsyncEnumerator<SignalItem> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellationToken = cancellationToken;
        }

        return this;
    }

    public ValueTask<bool> MoveNextAsync()
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (TryRead(out var item))
        {
            Current = item;
            return ValueTask.FromResult(true);
        }

        return _eof && _started ? ValueTask.FromResult(false) : MoveNextSlowAsync();
    }

    public ValueTask DisposeAsync()
    {
        _events.Dispose();
        return ValueTask.CompletedTask;
    }

    private async ValueTask<bool> MoveNextSlowAsync()
    {
        while (true)
        {
            await FillAsync(_cancellationToken).ConfigureAwait(false);
            if (TryRead(out var item))
            {
                Current = item;
                return true;
            }

            if (_eof)
            {
                return false;
            }
        }
    }

    /// <summary>The next item from the bytes at hand; false when more input is needed (or, at the end, when there is no more).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryRead(out SignalItem item)
    {
        item = null!;
        if (!_started)
        {
            return false;
        }

        while (true)
        {
            switch (_mode)
            {
                case Mode.Seek:
                    if (!Seek(out var found, out var garbage))
                    {
                        return false;
                    }

                    if (garbage is not null && !_sawGarbage)
                    {
                        item = new SignalRejection(garbage, "text outside any event (not XML, or binary data); skipped to the next <Event");
                        _mode = found ? Mode.Markup : Mode.Seek;
                        return true;
                    }

                    if (!found)
                    {
                        return false;
                    }

                    _mode = Mode.Markup;
                    break;
                case Mode.Markup:
                    if (_end - _position < MarkupLookahead && !_eof)
                    {
                        return false;
                    }

                    if (Markup(out var rejection))
                    {
                        item = rejection;
                        return true;
                    }

                    break;
                case Mode.Event:
                    if (!TryReadEvent(out item))
                    {
                        return false;
                    }

                    return true;
                case Mode.SkipComment or Mode.SkipInstruction:
                    var closer = _mode == Mode.SkipComment ? "-->"u8 : "?>"u8;
                    if (!FindAdvancing(closer, out found))
                    {
                        return false;
                    }

                    _mode = Mode.Seek;
                    if (!found)
                    {
                        item = new SignalRejection(_markupLocation!, "truncated: a comment or processing instruction is not closed");
                        return true;
                    }

                    Advance(_position + closer.Length);
                    break;
                case Mode.SkipTagEnd:
                    if (!FindAdvancing(">"u8, out _))
                    {
                        return false;
                    }

                    Advance(Math.Min(_position + 1, _end));
                    _mode = Mode.Seek;
                    break;
                case Mode.Resync:
                    if (!Resync())
                    {
                        return false;
                    }

                    break;
            }
        }
    }

    /// <summary>Moves to the next '&lt;'; reports where non-blank text was skipped. False: more input is needed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Seek(out bool found, out string? garbage)
    {
        var span = _buffer.AsSpan(_position, _end - _position);
        var idx = span.IndexOf((byte)'<');
        var skipped = idx >= 0 ? span[..idx] : span;
        if (_garbage is null)
        {
            var nonBlank = IndexOfNonBlank(skipped);
            if (nonBlank >= 0)
            {
                Advance(_position + nonBlank);
                _garbage = Location();
                skipped = skipped[nonBlank..];
            }
        }

        Advance(_position + skipped.Length);
        found = idx >= 0;
        garbage = null;
        if (!found && !_eof)
        {
            return false;
        }

        garbage = _garbage;
        _garbage = null;
        return true;
    }

    /// <summary>Decides what the markup at the current '&lt;' is; true with a rejection to report.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Markup(out SignalItem rejection)
    {
        rejection = null!;
        var rest = _buffer.AsSpan(_position, _end - _position);
        _sawGarbage = false;
        if (IsTag(rest, EventStart))
        {
            _scanOffset = EventStart.Length;
            _mode = Mode.Event;
            return false;
        }

        if (rest.StartsWith("<?"u8) || rest.StartsWith("<!--"u8))
        {
            _markupLocation = Location();
            _mode = rest[1] == '?' ? Mode.SkipInstruction : Mode.SkipComment;
            return false;
        }

        if (rest.StartsWith("<!"u8))
        {
            rejection = new SignalRejection(Location(), "document type declarations (DTDs) are refused and never processed; skipped to the next <Event");
            StartResync();
            return true;
        }

        if (IsTag(rest, "<Events"u8) || IsTag(rest, "</Events"u8))
        {
            Advance(_position + 1);
            _mode = Mode.SkipTagEnd;
            return false;
        }

        rejection = new SignalRejection(Location(), $"unexpected markup '{Describe(rest)}' where an <Event> was expected; skipped to the next <Event");
        StartResync();
        return true;
    }

    /// <summary>Frames and parses one event: the event or its rejection. False: more input is needed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryReadEvent(out SignalItem item)
    {
        item = null!;

        // Most events of a storm have a shape the fast path knows: read them before searching for their end.
        var open = _buffer.AsSpan(_position, Math.Min(_end - _position, _options.MaxEventChars));
        if (_events.TryReadKnown(open, out var known, out var signal))
        {
            _mode = Mode.Seek;
            item = signal;
            Advance(_position + known);
            return true;
        }

        var endIndex = FindEventEnd();
        if (endIndex == -3)
        {
            return false;
        }

        _mode = Mode.Seek;
        if (endIndex == -2)
        {
            var startLocation = Location();
            Advance(_position + 1);
            StartResync();
            item = new SignalRejection(startLocation, $"event larger than {_options.MaxEventChars} bytes; skipped to the next <Event");
            return true;
        }

        if (endIndex == -1)
        {
            var startLocation = Location();
            var nested = IndexOfEventStart(_buffer.AsSpan(_position + 1, _end - _position - 1));
            if (nested < 0)
            {
                Advance(_end);
                item = new SignalRejection(startLocation, "truncated: the event has no </Event> before the end of the input");
                return true;
            }

            Advance(_position + 1 + nested);
            item = new SignalRejection(startLocation, "truncated: the event is not closed before the next <Event");
            return true;
        }

        var length = endIndex - _position;
        var nextStart = -1;
        try
        {
            item = _events.Read(_buffer.AsMemory(_position, length));
        }
        catch (XmlException ex)
        {
            nextStart = IndexOfEventStart(_buffer.AsSpan(_position + 1, length - 1));
            var column = Column();
            var line = _line;
            var errorLine = line + ex.LineNumber - 1;
            var errorColumn = ex.LineNumber <= 1 ? column + ex.LinePosition - 1 : ex.LinePosition;
            item = new SignalRejection($"line {errorLine}, column {errorColumn}", $"malformed event XML: {FirstSentence(ex.Message)}");
        }
        catch (EventFormatException ex)
        {
            item = new SignalRejection(Location(), $"unusable event: {ex.Message}");
        }

        // A start tag inside a rejected frame means the earlier event was cut short: resume there, not after it.
        Advance(nextStart >= 0 ? _position + 1 + nextStart : endIndex);
        return true;
    }

    /// <summary>Index just past <c>&lt;/Event&gt;</c>; -1 at end of input, -2 over the size limit, -3 when more input is needed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int FindEventEnd()
    {
        var from = _position + _scanOffset;
        var searchedFrom = from;

        // What the last search found holds for any later start it covered: the starts nested in a rejected frame,
        // resumed at one by one, are not searched again, which keeps hostile input linear.
        if (_endSearchedFrom >= 0 && from >= _endSearchedFrom && from <= _endTagAt)
        {
            if (_endFound >= 0)
            {
                return _endFound - _position > _options.MaxEventChars ? -2 : _endFound;
            }

            from = _endTagAt; // no end tag starts before it
        }

        while (true)
        {
            var idx = _buffer.AsSpan(from, _end - from).IndexOf(EventEnd);
            _endSearchBytes += idx >= 0 ? idx + EventEnd.Length : _end - from;
            if (idx >= 0)
            {
                var at = from + idx;
                var after = at + EventEnd.Length;
                while (after < _end && _buffer[after] is (byte)' ' or (>= 0x09 and <= 0x0D))
                {
                    after++;
                }

                if (after >= _end && !_eof)
                {
                    _scanOffset = at - _position;
                    return -3;
                }

                if (after < _end && _buffer[after] == '>')
                {
                    (_endSearchedFrom, _endTagAt, _endFound) = (searchedFrom, at, after + 1);
                    return after + 1 - _position > _options.MaxEventChars ? -2 : after + 1;
                }

                from = at + 1;
                continue;
            }

            // No end tag starts before the last few bytes, which may begin one the next block completes.
            (_endSearchedFrom, _endTagAt, _endFound) = (searchedFrom, Math.Max(searchedFrom, _end - EventEnd.Length + 1), -1);
            if (_end - _position > _options.MaxEventChars)
            {
                return -2;
            }

            if (_eof)
            {
                return -1;
            }

            _scanOffset = Math.Max(from, _end - EventEnd.Length) - _position;
            return -3;
        }
    }

    /// <summary>Moves to the next <paramref name="token"/> without keeping what it skips. False: more input is needed.</summary>
    private bool FindAdvancing(ReadOnlySpan<byte> token, out bool found)
    {
        var span = _buffer.AsSpan(_position, _end - _position);
        var idx = span.IndexOf(token);
        found = idx >= 0;
        Advance(_position + (found ? idx : Math.Max(0, span.Length - token.Length + 1)));
        if (found)
        {
            return true;
        }

        if (_eof)
        {
            Advance(_end);
            return true;
        }

        return false;
    }

    private void StartResync()
    {
        _mode = Mode.Resync;
        _resyncStarted = false;
    }

    /// <summary>Skips to the next event start tag (what it skips is reported once, by whoever started the resync). False: more input is needed.</summary>
    private bool Resync()
    {
        if (!_resyncStarted)
        {
            Advance(Math.Min(_position + 1, _end));
            _resyncStarted = true;
        }

        var idx = IndexOfEventStart(_buffer.AsSpan(_position, _end - _position), requireDelimiter: !_eof);
        if (idx >= 0)
        {
            Advance(_position + idx);
        }
        else
        {
            Advance(Math.Max(_position, _end - EventStart.Length));
            if (!_eof)
            {
                return false;
            }

            Advance(_end);
        }

        _sawGarbage = true;
        _mode = Mode.Seek;
        return true;
    }

    /// <summary>Reads the next block, keeping the bytes from the current position.</summary>
    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        _endSearchedFrom = -1;
        if (_position > 0)
        {
            // What is dropped is counted first (lines and columns), in one pass over the block.
            Mark();
            _buffer.AsSpan(_position, _end - _position).CopyTo(_buffer);
            _mark = 0;
            _end -= _position;
            _position = 0;
        }

        if (_buffer.Length - _end < ReadChunk / 4)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var n = await _stream.ReadAsync(_buffer.AsMemory(_end, _buffer.Length - _end), cancellationToken).ConfigureAwait(false);
        if (n == 0)
        {
            _eof = true;
        }

        _end += n;
        if (!_started && (_eof || _end >= ByteOrderMark.Length))
        {
            // A text reader drops the byte order mark before the first character; so do we (and columns agree).
            _started = true;
            if (_buffer.AsSpan(0, _end).StartsWith(ByteOrderMark))
            {
                _position = _mark = ByteOrderMark.Length;
            }
        }
    }

    /// <summary>Moves on; lines and columns are counted only when a location is needed or the block is dropped.</summary>
    private void Advance(int newPosition) => _position = newPosition;

    /// <summary>Counts lines and columns up to the current position, from where the last count stopped.</summary>
    private void Mark()
    {
        var span = _buffer.AsSpan(_mark, _position - _mark);
        var last = span.LastIndexOf((byte)'\n');
        if (last >= 0)
        {
            _line += span[..(last + 1)].Count((byte)'\n');
            _columnChars = CharCount(span[(last + 1)..]);
        }
        else
        {
            _columnChars += CharCount(span);
        }

        _mark = _position;
    }

    private long Column()
    {
        Mark();
        return _columnChars + 1;
    }

    private string Location()
    {
        var column = Column(); // counts the lines too: before _line is read
        return $"line {_line}, column {column}";
    }

    private static int CharCount(ReadOnlySpan<byte> utf8) =>
        utf8.IndexOfAnyInRange((byte)0x80, (byte)0xFF) < 0 ? utf8.Length : Encoding.UTF8.GetCharCount(utf8);

    /// <summary>The first byte that is not white space or a byte order mark (both skipped silently between events), or -1.</summary>
    private static int IndexOfNonBlank(ReadOnlySpan<byte> span)
    {
        var i = 0;
        while (true)
        {
            var nonBlank = span[i..].IndexOfAnyExcept(" \t\r\n"u8);
            if (nonBlank < 0)
            {
                return -1;
            }

            i += nonBlank;
            if (!span[i..].StartsWith(ByteOrderMark))
            {
                return i;
            }

            i += ByteOrderMark.Length;
        }
    }

    /// <summary>Index of the next <c>&lt;Event</c> start tag (not Events, EventData, EventID...), or -1.</summary>
    private static int IndexOfEventStart(ReadOnlySpan<byte> span, bool requireDelimiter = true)
    {
        var offset = 0;
        while (true)
        {
            var idx = span[offset..].IndexOf(EventStart);
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

    private static bool IsTag(ReadOnlySpan<byte> rest, ReadOnlySpan<byte> tag) =>
        rest.StartsWith(tag) && (rest.Length == tag.Length || IsDelimiter(rest[tag.Length]));

    private static bool IsDelimiter(byte c) => c is (byte)'>' or (byte)'/' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static string Describe(ReadOnlySpan<byte> rest)
    {
        var text = Encoding.UTF8.GetString(rest[..Math.Min(rest.Length, MarkupLookahead)]).AsSpan();
        var end = text.IndexOfAny(" \t\r\n>");
        var tag = end < 0 ? text : text[..end];
        return EventElementReader.Truncate(new string(tag[..Math.Min(tag.Length, 41)]));
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Line ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut].TrimEnd('.', ' ') : message;
    }
}
