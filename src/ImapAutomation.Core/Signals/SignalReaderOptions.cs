using System.ComponentModel.DataAnnotations;
using ImapAutomation.Core.Evtx;

namespace ImapAutomation.Core.Signals;

/// <summary>Limits that keep hostile input from costing more than a bounded amount of memory and work.</summary>
public sealed class SignalReaderOptions
{
    /// <summary>
    /// One Windows event (from <c>&lt;Event</c> to <c>&lt;/Event&gt;</c>) may not exceed this size. Event XML is framed on
    /// its UTF-8 bytes, so the limit counts bytes there: the same as characters for ASCII, stricter for other text.
    /// </summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxEventChars { get; set; } = 1024 * 1024;

    /// <summary>Element nesting allowed inside one event or one EventData fragment; real events use 4.</summary>
    [Range(4, 256)]
    public int MaxDepth { get; set; } = 32;

    /// <summary>JSON payloads are read whole; Log Analytics caps a query response at 64 MB.</summary>
    [Range(1024, int.MaxValue)]
    public long MaxJsonBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>One CSV record (a quoted field may span lines) may not exceed this many characters.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxCsvRecordChars { get; set; } = 1024 * 1024;

    /// <summary>
    /// Parse the common shape of Windows events without XmlReader; whatever the fast path does not fully check goes to
    /// XmlReader. Off only to compare the two (the differential test) or to measure the difference.
    /// </summary>
    public bool UseFastPath { get; set; } = true;

    /// <summary>Limits for .evtx input (nesting, nodes per record, problems kept).</summary>
    public EvtxReaderOptions Evtx { get; set; } = new();

    internal static SignalReaderOptions Default { get; } = new();
}
