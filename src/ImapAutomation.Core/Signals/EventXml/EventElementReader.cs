using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Xml;

namespace ImapAutomation.Core.Signals.EventXml;

/// <summary>Reads one <c>&lt;Event&gt;</c> element into a <see cref="SignalEvent"/>; namespace-agnostic (matches local names).</summary>
internal sealed class EventElementReader : IDisposable
{
    private readonly XmlReaderSettings _settings;
    private readonly int _maxDepth;
    private readonly Utf8FastEventParser? _fast;
    private readonly EventDataBuilder _values = new();
    private readonly Utf8SegmentReader _segment = new();
    private readonly string _event;
    private readonly string _system;
    private readonly string _eventData;
    private readonly string _userData;
    private readonly string _renderingInfo;
    private readonly string _message;
    private readonly string _data;
    private readonly string _provider;
    private readonly string _eventId;
    private readonly string _level;
    private readonly string _timeCreated;
    private readonly string _eventRecordId;
    private readonly string _channel;
    private readonly string _computer;

    public EventElementReader(SignalReaderOptions options)
    {
        var names = new NameTable();
        _settings = SafeXml.Settings(options.MaxEventChars, ConformanceLevel.Document, names);
        _maxDepth = options.MaxDepth;
        _fast = options.UseFastPath ? new Utf8FastEventParser() : null;
        _event = names.Add("Event");
        _system = names.Add("System");
        _eventData = names.Add("EventData");
        _userData = names.Add("UserData");
        _renderingInfo = names.Add("RenderingInfo");
        _message = names.Add("Message");
        _data = names.Add("Data");
        _provider = names.Add("Provider");
        _eventId = names.Add("EventID");
        _level = names.Add("Level");
        _timeCreated = names.Add("TimeCreated");
        _eventRecordId = names.Add("EventRecordID");
        _channel = names.Add("Channel");
        _computer = names.Add("Computer");
    }

    public void Dispose() => _segment.Dispose();

    /// <summary>Characters the conforming path has decoded so far (see <see cref="Utf8SegmentReader.CharsDecoded"/>).</summary>
    internal long CharsDecoded => _segment.CharsDecoded;

    /// <summary>The event <paramref name="input"/> starts with, when the fast path knows its shape; else frame it and <see cref="Read"/> it.</summary>
    public bool TryReadKnown(ReadOnlySpan<byte> input, out int length, [NotNullWhen(true)] out SignalEvent? result)
    {
        length = 0;
        result = null;
        return _fast is not null && _fast.TryReadKnown(input, out length, out result);
    }

    /// <summary>Parses one framed event (UTF-8) that <see cref="TryReadKnown"/> declined; throws XmlException or EventFormatException.</summary>
    /// <remarks>
    /// The conforming path decodes the frame the way a StreamReader decodes the whole input (invalid bytes become
    /// U+FFFD; a frame starts and ends on ASCII markup, so decoding it alone gives the same characters), so XmlReader's
    /// line and column within the event are those of the text.
    /// </remarks>
    public SignalEvent Read(ReadOnlyMemory<byte> frame)
    {
        if (_fast is not null && _fast.TryReadUnknown(frame.Span, out var fast))
        {
            return fast;
        }

        _segment.Reset(frame);
        using var reader = XmlReader.Create(_segment, _settings);
        if (reader.MoveToContent() != XmlNodeType.Element || !ReferenceEquals(reader.LocalName, _event))
        {
            throw new EventFormatException("the element is not an <Event>");
        }

        string? provider = null, eventId = null, qualifiers = null, level = null, time = null, recordId = null;
        string? channel = null, computer = null, rendered = null;
        _values.Clear();
        string section = string.Empty;
        string? leafName = null;

        reader.Read();
        while (!reader.EOF)
        {
            if (reader.Depth > _maxDepth)
            {
                throw new EventFormatException($"elements nested deeper than {_maxDepth} levels");
            }

            if (reader.NodeType != XmlNodeType.Element)
            {
                if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA && ReferenceEquals(section, _userData) && leafName is not null)
                {
                    _values.TryAddNamed(leafName, reader.Value);
                }

                reader.Read();
                continue;
            }

            var name = reader.LocalName;
            if (reader.Depth == 1)
            {
                section = name;
                reader.Read();
                continue;
            }

            if (ReferenceEquals(section, _system) && reader.Depth == 2)
            {
                if (ReferenceEquals(name, _provider))
                {
                    provider = reader.GetAttribute("Name") ?? reader.GetAttribute("EventSourceName");
                }
                else if (ReferenceEquals(name, _eventId))
                {
                    qualifiers = reader.GetAttribute("Qualifiers");
                    eventId = reader.ReadElementContentAsString();
                    continue;
                }
                else if (ReferenceEquals(name, _timeCreated))
                {
                    time = reader.GetAttribute("SystemTime");
                }
                else if (TryReadSystemText(reader, name, ref level, ref recordId, ref channel, ref computer))
                {
                    continue;
                }
            }
            else if (ReferenceEquals(section, _eventData) && reader.Depth == 2 && ReferenceEquals(name, _data))
            {
                var dataName = reader.GetAttribute("Name");
                var value = reader.ReadElementContentAsString();
                if (string.IsNullOrEmpty(dataName))
                {
                    _values.AddPositional(value);
                }
                else
                {
                    _values.TryAddNamed(dataName, value);
                }

                continue;
            }
            else if (ReferenceEquals(section, _renderingInfo) && reader.Depth == 2 && ReferenceEquals(name, _message))
            {
                rendered = reader.ReadElementContentAsString();
                continue;
            }
            else if (ReferenceEquals(section, _userData))
            {
                leafName = name;
            }

            reader.Read();
        }

        return Build(provider, eventId, qualifiers, level, time, recordId, channel, computer, rendered, _values);
    }

    private bool TryReadSystemText(XmlReader reader, string name, ref string? level, ref string? recordId, ref string? channel, ref string? computer)
    {
        if (ReferenceEquals(name, _level))
        {
            level = reader.ReadElementContentAsString();
        }
        else if (ReferenceEquals(name, _eventRecordId))
        {
            recordId = reader.ReadElementContentAsString();
        }
        else if (ReferenceEquals(name, _channel))
        {
            channel = reader.ReadElementContentAsString();
        }
        else if (ReferenceEquals(name, _computer))
        {
            computer = reader.ReadElementContentAsString();
        }
        else
        {
            return false;
        }

        return true;
    }

    private static SignalEvent Build(
        string? provider, string? eventId, string? qualifiers, string? level, string? time, string? recordId,
        string? channel, string? computer, string? rendered, EventDataBuilder data)
    {
        if (string.IsNullOrWhiteSpace(provider))
        {
            throw new EventFormatException("the event has no System/Provider@Name");
        }

        if (!int.TryParse(eventId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
        {
            throw new EventFormatException(eventId is null ? "the event has no System/EventID" : $"EventID '{Truncate(eventId)}' is not a number");
        }

        if (!EventTime.TryParse(time, out var created))
        {
            throw new EventFormatException(time is null ? "the event has no System/TimeCreated@SystemTime" : $"TimeCreated '{Truncate(time)}' is not a time");
        }

        return new SignalEvent(computer?.Trim() ?? string.Empty, provider.Trim(), id, created)
        {
            Qualifiers = ParseInt(qualifiers),
            Level = ParseInt(level),
            RecordId = long.TryParse(recordId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var rid) ? rid : null,
            Channel = channel,
            RenderedText = rendered,
            NamedData = data.Named,
            PositionalData = data.Positional,
        };
    }

    private static int? ParseInt(string? s) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    internal static string Truncate(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "...");
}
