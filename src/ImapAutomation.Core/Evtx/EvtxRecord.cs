using System.Globalization;

namespace ImapAutomation.Core.Evtx;

/// <summary>One EventData child (<c>Data</c>, or <c>Binary</c>), or one UserData leaf (element or attribute).</summary>
/// <param name="Element">EventData: the element name (<c>Data</c>, <c>Binary</c>). UserData: the path below UserData,
/// e.g. <c>LogFileCleared/SubjectUserSid</c> or <c>EventXML/Error@Code</c>.</param>
/// <param name="Name">EventData: the <c>Name</c> attribute of a named <c>Data</c>; null for positional data.</param>
/// <param name="Value">The value as Windows renders it in event XML.</param>
/// <param name="Type">The binary value type it came from (Null for literal text in the template).</param>
public sealed record EvtxDataItem(string Element, string? Name, string Value, EvtxValueType Type);

/// <summary>One event read from an .evtx file: the System fields, EventData and UserData, and the whole element tree.</summary>
public sealed class EvtxRecord
{
    internal EvtxRecord(long recordNumber, DateTimeOffset writtenTime, int chunkIndex, long fileOffset, EvtxElement root)
    {
        RecordNumber = recordNumber;
        WrittenTime = writtenTime;
        ChunkIndex = chunkIndex;
        FileOffset = fileOffset;
        Root = root;

        var system = root.Element("System");
        var provider = system?.Element("Provider");
        ProviderName = provider?.Attribute("Name");
        ProviderGuid = Guid.TryParse(provider?.Attribute("Guid"), out var guid) ? guid : null;
        EventSourceName = provider?.Attribute("EventSourceName");
        var eventId = system?.Element("EventID");
        EventId = ParseInt(eventId?.Text) ?? 0;
        Qualifiers = ParseInt(eventId?.Attribute("Qualifiers"));
        Version = ParseInt(system?.Element("Version")?.Text);
        Level = ParseInt(system?.Element("Level")?.Text);
        Task = ParseInt(system?.Element("Task")?.Text);
        Opcode = ParseInt(system?.Element("Opcode")?.Text);
        Keywords = ParseHex(system?.Element("Keywords")?.Text);
        TimeCreated = ParseTime(system?.Element("TimeCreated")?.Attribute("SystemTime")) ?? writtenTime;
        EventRecordId = long.TryParse(system?.Element("EventRecordID")?.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : recordNumber;
        Channel = system?.Element("Channel")?.Text;
        Computer = system?.Element("Computer")?.Text;
        UserId = system?.Element("Security")?.Attribute("UserID");
        var execution = system?.Element("Execution");
        ProcessId = ParseInt(execution?.Attribute("ProcessID"));
        ThreadId = ParseInt(execution?.Attribute("ThreadID"));
        EventData = ReadEventData(root.Element("EventData"));
        UserData = ReadUserData(root.Element("UserData"));
    }

    /// <summary>System/EventRecordID: the identifier the event had in the log it was first written to.</summary>
    /// <remarks>A filtered export (<c>wevtutil epl /q</c>, "Save Filtered Log File As") renumbers the record headers
    /// 1..n but keeps this value, so this is the one to show and to correlate on.</remarks>
    public long EventRecordId { get; }

    /// <summary>The record number from the record header (equal to <see cref="EventRecordId"/> in a live log).</summary>
    public long RecordNumber { get; }

    /// <summary>When the record was written to the log (record header).</summary>
    public DateTimeOffset WrittenTime { get; }

    /// <summary>System/TimeCreated/@SystemTime, or <see cref="WrittenTime"/> when the event has none.</summary>
    public DateTimeOffset TimeCreated { get; }

    public string? ProviderName { get; }

    public Guid? ProviderGuid { get; }

    public string? EventSourceName { get; }

    public int EventId { get; }

    public int? Qualifiers { get; }

    public int? Version { get; }

    public int? Level { get; }

    public int? Task { get; }

    public int? Opcode { get; }

    public ulong? Keywords { get; }

    public string? Channel { get; }

    public string? Computer { get; }

    /// <summary>System/Security/@UserID (a SID string), when present.</summary>
    public string? UserId { get; }

    public int? ProcessId { get; }

    public int? ThreadId { get; }

    public IReadOnlyList<EvtxDataItem> EventData { get; }

    public IReadOnlyList<EvtxDataItem> UserData { get; }

    /// <summary>The <c>Event</c> element with every substitution applied.</summary>
    public EvtxElement Root { get; }

    /// <summary>Index of the chunk (0 = first chunk after the file header) holding the record.</summary>
    public int ChunkIndex { get; }

    /// <summary>Byte offset of the record in the file.</summary>
    public long FileOffset { get; }

    /// <summary>The event as Windows Event XML text (one <c>Event</c> element, indented).</summary>
    public string ToXml() => EvtxXmlWriter.Write(Root);

    private static List<EvtxDataItem> ReadEventData(EvtxElement? eventData)
    {
        var items = new List<EvtxDataItem>();
        if (eventData is null)
        {
            return items;
        }

        foreach (var child in eventData.Elements())
        {
            items.Add(new EvtxDataItem(child.Name, child.Attribute("Name"), child.Text, child.TextType));
        }

        return items;
    }

    private static List<EvtxDataItem> ReadUserData(EvtxElement? userData)
    {
        var items = new List<EvtxDataItem>();
        if (userData is not null)
        {
            foreach (var child in userData.Elements())
            {
                Flatten(child, child.Name, items);
            }
        }

        return items;
    }

    private static void Flatten(EvtxElement element, string path, List<EvtxDataItem> items)
    {
        foreach (var attribute in element.Attributes)
        {
            if (!attribute.Name.StartsWith("xmlns", StringComparison.Ordinal))
            {
                items.Add(new EvtxDataItem($"{path}@{attribute.Name}", null, attribute.Value, attribute.Type));
            }
        }

        var hasChildren = false;
        foreach (var child in element.Elements())
        {
            hasChildren = true;
            Flatten(child, $"{path}/{child.Name}", items);
        }

        if (!hasChildren && path.Contains('/', StringComparison.Ordinal))
        {
            items.Add(new EvtxDataItem(path, null, element.Text, element.TextType));
        }
    }

    private static int? ParseInt(string? text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? (int)value : null;

    private static ulong? ParseHex(string? text) =>
        text is not null && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    private static DateTimeOffset? ParseTime(string? text)
    {
        // Nine fractional digits (Windows' format) are two more than DateTime holds; the last two are always 0.
        if (text is { Length: 30 } && text.EndsWith("00Z", StringComparison.Ordinal))
        {
            text = string.Concat(text.AsSpan(0, 27), "Z");
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
    }
}
