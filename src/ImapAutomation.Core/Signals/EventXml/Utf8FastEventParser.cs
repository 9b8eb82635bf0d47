using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace ImapAutomation.Core.Signals.EventXml;

/// <summary>
/// A fast path for the common shape of one Windows event (System and EventData, two levels, plain text and
/// attributes), read from the UTF-8 bytes: only the values kept are decoded. It accepts a frame only when it has checked
/// everything a conforming parser would; anything else (comments, CDATA, DTDs, prefixes, other entities, deeper
/// nesting, unusual or invalid characters, UserData, RenderingInfo, values it cannot use) returns false and the frame
/// goes to XmlReader (<see cref="EventElementReader"/>). A differential test holds the two to the same results.
/// </summary>
internal sealed class Utf8FastEventParser
{
    private static readonly SearchValues<byte> Unusual = SearchValues.Create(UnusualBytes());

    // The complement of Unusual within ASCII, so one pass finds anything unusual or non-ASCII.
    private static readonly SearchValues<byte> Usual = SearchValues.Create(UsualBytes());

    private static readonly SearchValues<byte> Blank = SearchValues.Create(" \t\r\n"u8);

    private static readonly SearchValues<byte> TextSpecial = SearchValues.Create("&\r]"u8);

    /// <summary>What an attribute value of the common shape never holds (references, markup, white space but the space).</summary>
    internal static readonly SearchValues<byte> AttributeUnusual = SearchValues.Create("<&\t\n\r"u8);

    private readonly Utf8StringCache _cache = new();
    private readonly EventDataBuilder _data = new();
    private readonly Range[] _attrNames = new Range[8];
    private readonly Range[] _attrValues = new Range[8];
    private readonly EventShapes _shapes = new();
    private readonly Hole[] _holes = new Hole[EventShapes.MaxHoles];
    private readonly List<(Range Value, Range? Name)> _dataAt = [];
    private int _holeCount;
    private byte[] _scratch = new byte[256];

    private enum Section
    {
        None,
        System,
        EventData,
    }

    /// <summary>1 for the bytes a name may continue with: ASCII letters, digits, '_', '-', '.'.</summary>
    private static ReadOnlySpan<byte> NameBytes =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    private static ReadOnlySpan<byte> EventNamespace => "http://schemas.microsoft.com/win/2004/08/events/event"u8;

    /// <summary>Events read by comparison with a known shape (the rest took the full fast path or were declined).</summary>
    internal long ShapeMatches { get; private set; }

    /// <summary>The size of what was learnt (bounded by <see cref="EventShapes.MaxNodes"/>).</summary>
    internal int ShapeNodes => _shapes.NodeCount;

    // Compiled optimized at once: a triage run spends its time here, and tiering up mid-run only costs.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryRead(ReadOnlySpan<byte> frame, [NotNullWhen(true)] out SignalEvent? result)
    {
        result = null;
        _data.Clear();
        var matched = _shapes.Match(frame, _holes, out var length);
        return matched >= 0 && length == frame.Length
            ? TryApply(frame, _holes.AsSpan(0, matched), out result)
            : TryReadUnknown(frame, out result);
    }

    /// <summary>
    /// Reads a frame tag by tag, as for a shape not learnt yet, and learns its shape when it accepts it. For a frame
    /// <see cref="TryReadKnown"/> has already declined, where comparing it with the known shapes again would only repeat that work.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryReadUnknown(ReadOnlySpan<byte> frame, [NotNullWhen(true)] out SignalEvent? result)
    {
        result = null;
        _data.Clear();
        _dataAt.Clear();
        _holeCount = 0;
        var fields = default(EventFields);

        // Parsed before the whole frame is checked for unusual bytes: a malformed frame is declined at its first bad
        // tag, so hostile input of endless rejected frames costs what is read, not every frame's length.
        if (!TryParse(frame, ref fields) || !IsUsual(frame) || !TryBuild(frame, fields, out result))
        {
            return false;
        }

        LearnShape(frame, fields);
        return true;
    }

    /// <summary>
    /// Reads the event <paramref name="input"/> starts with when it has a known shape, before it is framed: framing
    /// would cut the same <paramref name="length"/> bytes (see <see cref="EventShapes.Match"/>), so a storm's events are
    /// not searched for their end first. False: frame the event and read it with <see cref="TryReadUnknown"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryReadKnown(ReadOnlySpan<byte> input, out int length, [NotNullWhen(true)] out SignalEvent? result)
    {
        result = null;
        _data.Clear();
        var matched = _shapes.Match(input, _holes, out length);
        return matched >= 0 && TryApply(input[..length], _holes.AsSpan(0, matched), out result);
    }

    /// <summary>
    /// Bytes the fast path reads as they are: none of the controls but tab, CR and LF, none of the markup it does not
    /// handle (CDATA, comments, PIs, DTDs: '!', '?'), and non-ASCII only as valid UTF-8 below U+D000 (surrogates,
    /// private use and non-characters go to XmlReader). Split at ASCII bytes, a frame passes when each part does.
    /// </summary>
    internal static bool IsUsual(ReadOnlySpan<byte> bytes)
    {
        var odd = bytes.IndexOfAnyExcept(Usual);
        return odd < 0 || !(bytes[odd..].ContainsAny(Unusual) || bytes.ContainsAnyInRange((byte)0xED, (byte)0xFF) || !Utf8.IsValid(bytes));
    }

    /// <summary>Reads the values of a frame of a known shape, as the full path would have read them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryApply(ReadOnlySpan<byte> frame, ReadOnlySpan<Hole> holes, [NotNullWhen(true)] out SignalEvent? result)
    {
        result = null;
        var fields = default(EventFields);
        Range? dataName = null;
        foreach (var hole in holes)
        {
            switch (hole.Role)
            {
                case HoleRole.DataName:
                    dataName = hole.At;
                    break;
                case HoleRole.DataValue or HoleRole.NamedDataValue:
                    if (!AddData(frame, hole.At, hole.HasEntities, hole.Role == HoleRole.NamedDataValue ? dataName : null))
                    {
                        return false;
                    }

                    break;
                default:
                    // Windows writes no references in System values; the rare one goes to the conforming parser.
                    if (hole.HasEntities)
                    {
                        return false;
                    }

                    fields.Set(hole.Role, hole.At);
                    break;
            }
        }

        if (!TryBuild(frame, fields, out result))
        {
            return false;
        }

        ShapeMatches++;
        return true;
    }

    /// <summary>Gives each recorded hole the role the full path gave its value, and learns the shape when every value kept has one.</summary>
    private void LearnShape(ReadOnlySpan<byte> frame, in EventFields fields)
    {
        if (_holeCount == _holes.Length)
        {
            return; // more values than a shape keeps: this frame always takes the full path
        }

        var holes = _holes.AsSpan(0, _holeCount);
        var placed = 0;
        for (var i = 0; i < holes.Length; i++)
        {
            var role = fields.RoleOf(holes[i].At);
            if (role == HoleRole.None)
            {
                foreach (var (value, name) in _dataAt)
                {
                    if (value.Equals(holes[i].At))
                    {
                        role = name is null ? HoleRole.DataValue : HoleRole.NamedDataValue;
                        break;
                    }

                    if (name is { } n && n.Equals(holes[i].At))
                    {
                        role = HoleRole.DataName;
                        break;
                    }
                }
            }

            if (role != HoleRole.None)
            {
                placed++;
                holes[i] = holes[i] with { Role = role };
            }
        }

        // Every value kept must sit in a hole of its own, or the shape could not give it back.
        var dataHoles = 0;
        foreach (var (_, name) in _dataAt)
        {
            dataHoles += name is null ? 1 : 2;
        }

        if (placed == fields.Count + dataHoles)
        {
            _shapes.Learn(frame, holes);
        }
    }

    private void AddHole(Range at, HoleKind kind, bool hasEntities)
    {
        if (_holeCount < _holes.Length)
        {
            _holes[_holeCount++] = new Hole(at, kind, HoleRole.None, hasEntities);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryParse(ReadOnlySpan<byte> frame, ref EventFields fields)
    {
        var attrNames = _attrNames.AsSpan();
        var attrValues = _attrValues.AsSpan();
        var section = Section.None;
        var depth = 0;
        var pos = 0;
        var rootClosed = false;
        while (!rootClosed)
        {
            var lt = frame[pos..].IndexOf((byte)'<');
            if (lt < 0 || !IsBlank(frame.Slice(pos, lt)))
            {
                return false; // text outside a leaf element
            }

            pos += lt;
            if (!TryStartTag(frame, ref pos, out var nameRange, attrNames, attrValues, out var attrCount, out var empty))
            {
                return false;
            }

            for (var k = 0; k < attrCount; k++)
            {
                // xml* attributes are checked against their one accepted value: they stay part of the shape.
                if (!frame[attrNames[k]].StartsWith("xml"u8))
                {
                    AddHole(attrValues[k], HoleKind.Attribute, hasEntities: false);
                }
            }

            var name = frame[nameRange];
            if (depth == 0)
            {
                if (!name.SequenceEqual("Event"u8))
                {
                    return false;
                }
            }
            else if (depth == 1)
            {
                section = name.SequenceEqual("System"u8) ? Section.System : name.SequenceEqual("EventData"u8) ? Section.EventData : Section.None;
                if (section == Section.None)
                {
                    return false;
                }
            }
            else
            {
                // A leaf: text only (a child element sends the frame to the conforming parser).
                var content = pos..pos;
                var hasEntities = false;
                if (!empty)
                {
                    var close = frame[pos..].IndexOf((byte)'<');
                    if (close < 0 || !IsPlainText(frame.Slice(pos, close), out hasEntities))
                    {
                        return false;
                    }

                    content = pos..(pos + close);
                    pos += close;
                    if (pos + 1 >= frame.Length || frame[pos + 1] != '/' || !TryEndTag(frame, ref pos, name))
                    {
                        return false;
                    }
                }

                AddHole(content, empty ? HoleKind.Empty : HoleKind.Text, hasEntities);
                var attributes = new Attributes(frame, attrNames[..attrCount], attrValues[..attrCount]);
                if (section == Section.System)
                {
                    // Windows writes no references in System values; the rare one goes to the conforming parser.
                    if (!ReadSystemLeaf(name, content, hasEntities, attributes, ref fields))
                    {
                        return false;
                    }
                }
                else if (name.SequenceEqual("Data"u8))
                {
                    var nameAt = attributes.Find("Name"u8);
                    if (!AddData(frame, content, hasEntities, nameAt))
                    {
                        return false;
                    }

                    _dataAt.Add((content, nameAt));
                }

                empty = true; // the leaf is complete
            }

            if (!empty)
            {
                depth++;
            }
            else if (depth == 0)
            {
                break;
            }

            // Close whatever ends here: the containers whose end tags follow.
            while (true)
            {
                var next = frame[pos..].IndexOf((byte)'<');
                if (next < 0 || !IsBlank(frame.Slice(pos, next)) || pos + next + 1 >= frame.Length)
                {
                    return false;
                }

                if (frame[pos + next + 1] != '/')
                {
                    break;
                }

                pos += next;
                if (!TryEndTag(frame, ref pos, depth == 1 ? "Event"u8 : section == Section.System ? "System"u8 : "EventData"u8))
                {
                    return false;
                }

                depth--;
                if (depth == 0)
                {
                    rootClosed = true;
                    break;
                }

                section = Section.None;
            }
        }

        return IsBlank(frame[pos..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryBuild(ReadOnlySpan<byte> frame, in EventFields fields, [NotNullWhen(true)] out SignalEvent? result)
    {
        result = null;

        // What the conforming parser would reject (no provider, a bad ID or time) it also explains: let it.
        if (fields.Provider is not { } p || fields.EventId is not { } e || fields.Time is not { } t ||
            !int.TryParse(frame[e], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ||
            !EventTime.TryParseSystemTime(frame[t], out var created))
        {
            return false;
        }

        var provider = _cache.Get(frame[p]);
        if (string.IsNullOrWhiteSpace(provider))
        {
            return false;
        }

        result = new SignalEvent(fields.Computer is { } c ? _cache.Get(frame[c]).Trim() : string.Empty, provider.Trim(), id, created)
        {
            Qualifiers = ParseInt(frame, fields.Qualifiers),
            Level = ParseInt(frame, fields.Level),
            RecordId = fields.RecordId is { } r && long.TryParse(frame[r], NumberStyles.Integer, CultureInfo.InvariantCulture, out var rid) ? rid : null,
            Channel = fields.Channel is { } ch ? _cache.Get(frame[ch]) : null,
            NamedData = _data.Named,
            PositionalData = _data.Positional,
        };
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ReadSystemLeaf(ReadOnlySpan<byte> name, Range content, bool hasEntities, Attributes attributes, ref EventFields fields)
    {
        if (name.SequenceEqual("Provider"u8))
        {
            fields.Provider = attributes.Find("Name"u8) ?? attributes.Find("EventSourceName"u8);
            return true;
        }

        if (name.SequenceEqual("TimeCreated"u8))
        {
            fields.Time = attributes.Find("SystemTime"u8);
            return true;
        }

        ref var field = ref fields.Level;
        if (name.SequenceEqual("EventID"u8))
        {
            fields.Qualifiers = attributes.Find("Qualifiers"u8);
            field = ref fields.EventId;
        }
        else if (name.SequenceEqual("EventRecordID"u8))
        {
            field = ref fields.RecordId;
        }
        else if (name.SequenceEqual("Channel"u8))
        {
            field = ref fields.Channel;
        }
        else if (name.SequenceEqual("Computer"u8))
        {
            field = ref fields.Computer;
        }
        else if (!name.SequenceEqual("Level"u8))
        {
            return true; // a System leaf no rule reads (Version, Task, Keywords, Security...): checked, not kept
        }

        field = content;
        return !hasEntities;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool AddData(ReadOnlySpan<byte> frame, Range at, bool hasEntities, Range? nameAt)
    {
        var raw = frame[at];
        string value;
        if (hasEntities)
        {
            if (!TryDecode(raw, out var decoded))
            {
                return false;
            }

            value = decoded;
        }
        else
        {
            value = _cache.Get(raw);
        }

        if (nameAt is { } n && frame[n].Length > 0)
        {
            _data.TryAddNamed(_cache.Get(frame[n]), value);
        }
        else
        {
            _data.AddPositional(value);
        }

        return true;
    }

    private static int? ParseInt(ReadOnlySpan<byte> frame, Range? at) =>
        at is { } r && int.TryParse(frame[r], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static bool IsBlank(ReadOnlySpan<byte> span)
    {
        // Mostly a line break and indentation: a loop beats a vectorized search on a handful of bytes.
        if (span.Length > 16)
        {
            return span.IndexOfAnyExcept(Blank) < 0;
        }

        foreach (var b in span)
        {
            if (b is not ((byte)' ' or (byte)'\n' or (byte)'\t' or (byte)'\r'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Text a conforming reader returns unchanged (after the references): no CR (line ends are normalized), no
    /// <c>]]&gt;</c>, not only white space (its meaning depends on the reader's settings), references well formed.
    /// </summary>
    internal static bool IsPlainText(ReadOnlySpan<byte> raw, out bool hasEntities)
    {
        hasEntities = false;
        if (!raw.IsEmpty && raw[0] is (byte)' ' or (byte)'\n' or (byte)'\t' && IsBlank(raw))
        {
            return false;
        }

        if (!raw.ContainsAny(TextSpecial))
        {
            return true;
        }

        hasEntities = raw.Contains((byte)'&');
        return !raw.Contains((byte)'\r') && raw.IndexOf("]]>"u8) < 0 && (!hasEntities || IsWellFormedReferences(raw));
    }

    private static bool IsWellFormedReferences(ReadOnlySpan<byte> raw)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var amp = raw.IndexOf((byte)'&'); amp >= 0; amp = raw.IndexOf((byte)'&'))
        {
            raw = raw[(amp + 1)..];
            var semi = raw.IndexOf((byte)';');
            if (semi <= 0 || Reference(raw[..semi], utf8) == 0)
            {
                return false;
            }

            raw = raw[(semi + 1)..];
        }

        return true;
    }

    /// <summary>Decodes text with the five predefined entities and character references (already checked).</summary>
    private bool TryDecode(ReadOnlySpan<byte> raw, [NotNullWhen(true)] out string? text)
    {
        if (_scratch.Length < raw.Length)
        {
            _scratch = new byte[Math.Max(raw.Length, _scratch.Length * 2)];
        }

        // A reference never decodes to more bytes than it takes (&#x80; is 6 bytes for 2), so raw.Length is enough.
        var length = 0;
        for (var amp = raw.IndexOf((byte)'&'); amp >= 0; amp = raw.IndexOf((byte)'&'))
        {
            raw[..amp].CopyTo(_scratch.AsSpan(length));
            length += amp;
            raw = raw[(amp + 1)..];
            var semi = raw.IndexOf((byte)';');
            length += Reference(raw[..semi], _scratch.AsSpan(length));
            raw = raw[(semi + 1)..];
        }

        raw.CopyTo(_scratch.AsSpan(length));
        length += raw.Length;
        text = Encoding.UTF8.GetString(_scratch, 0, length);

        // A reference that decodes to blank text is white space to a conforming reader: let it decide.
        return !string.IsNullOrWhiteSpace(text);
    }

    /// <summary>Writes what one reference (between '&amp;' and ';') stands for as UTF-8; 0 when the fast path declines it.</summary>
    private static int Reference(ReadOnlySpan<byte> entity, Span<byte> destination)
    {
        byte named = entity switch
        {
            _ when entity.SequenceEqual("lt"u8) => (byte)'<',
            _ when entity.SequenceEqual("gt"u8) => (byte)'>',
            _ when entity.SequenceEqual("amp"u8) => (byte)'&',
            _ when entity.SequenceEqual("quot"u8) => (byte)'"',
            _ when entity.SequenceEqual("apos"u8) => (byte)'\'',
            _ => 0,
        };
        if (named != 0)
        {
            destination[0] = named;
            return 1;
        }

        if (entity[0] != '#')
        {
            return 0;
        }

        var digits = entity[1..];
        var hex = !digits.IsEmpty && digits[0] == 'x';
        if (!int.TryParse(hex ? digits[1..] : digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var value) ||
            value is not (0x9 or 0xA or 0xD or (>= 0x20 and < 0xD800)))
        {
            return 0;
        }

        return new Rune(value).EncodeToUtf8(destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryStartTag(
        ReadOnlySpan<byte> frame, ref int pos, out Range name, Span<Range> attrNames, Span<Range> attrValues, out int count, out bool empty)
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

        name = nameStart..i;
        while (true)
        {
            var ws = i;
            while (i < frame.Length && frame[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
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
            if (i + 1 >= frame.Length || frame[i] != '=' || frame[i + 1] is not ((byte)'"' or (byte)'\''))
            {
                return false;
            }

            var valueStart = i + 2;
            var valueLength = frame[valueStart..].IndexOf(frame[i + 1]);
            if (valueLength < 0)
            {
                return false;
            }

            // No references and no white space but the space character: attribute-value normalization stays trivial.
            var value = frame.Slice(valueStart, valueLength);
            if (value.ContainsAny(AttributeUnusual))
            {
                return false;
            }

            if (attrName.StartsWith("xml"u8) && !(attrName.SequenceEqual("xmlns"u8) && value.SequenceEqual(EventNamespace)))
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

            attrNames[count] = attrStart..i;
            attrValues[count] = valueStart..(valueStart + valueLength);
            count++;
            i = valueStart + valueLength + 1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryEndTag(ReadOnlySpan<byte> frame, ref int pos, ReadOnlySpan<byte> expected)
    {
        var i = pos + 2;
        if (!frame[i..].StartsWith(expected))
        {
            return false;
        }

        i += expected.Length;
        while (i < frame.Length && frame[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
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
    private static bool TryName(ReadOnlySpan<byte> frame, ref int i)
    {
        if (i >= frame.Length || !(char.IsAsciiLetter((char)frame[i]) || frame[i] == '_'))
        {
            return false;
        }

        i++;
        var names = NameBytes;
        while (i < frame.Length && names[frame[i]] != 0)
        {
            i++;
        }

        return true;
    }

    private static byte[] UnusualBytes()
    {
        var bytes = new List<byte> { (byte)'!', (byte)'?' };
        for (var b = 0; b < 0x20; b++)
        {
            if (b is not 9 and not 10 and not 13)
            {
                bytes.Add((byte)b);
            }
        }

        return [.. bytes];
    }

    private static byte[] UsualBytes()
    {
        var unusual = UnusualBytes();
        return [.. Enumerable.Range(0, 0x80).Select(b => (byte)b).Where(b => !unusual.Contains(b))];
    }

    /// <summary>The attributes of the current start tag, as ranges of the frame.</summary>
    private readonly ref struct Attributes(ReadOnlySpan<byte> frame, ReadOnlySpan<Range> names, ReadOnlySpan<Range> values)
    {
        private readonly ReadOnlySpan<Range> _names = names;
        private readonly ReadOnlySpan<Range> _values = values;

        public ReadOnlySpan<byte> Frame { get; } = frame;

        public Range? Find(ReadOnlySpan<byte> name)
        {
            for (var i = 0; i < _names.Length; i++)
            {
                if (Frame[_names[i]].SequenceEqual(name))
                {
                    return _values[i];
                }
            }

            return null;
        }
    }
}
