namespace ImapAutomation.Core.Signals;

/// <summary>What a signal parser yields, in input order: an event, a rejected part of the input, or a notice.</summary>
public abstract record SignalItem;

/// <summary>One event normalized from any input format; the rules read only this.</summary>
/// <remarks>
/// <c>Server</c> is the machine the event concerns as written in the input (Computer, proxy target, alert dimension),
/// empty when unknown; <c>Provider</c> is <c>Provider@Name</c>, the Log Analytics <c>Source</c> column, or
/// <see cref="ImapProtocolLogProvider"/>.
/// </remarks>
public sealed record SignalEvent(
    string Server,
    string Provider,
    int EventId,
    DateTimeOffset Time) : SignalItem
{
    /// <summary>The provider name given to Exchange IMAP4 protocol-log lines.</summary>
    public const string ImapProtocolLogProvider = "IMAP4 protocol log";

    public int? Qualifiers { get; init; }

    public int? Level { get; init; }

    public long? RecordId { get; init; }

    public string? Channel { get; init; }

    public IReadOnlyDictionary<string, string> NamedData { get; init; } = EmptyNamed;

    public IReadOnlyList<string> PositionalData { get; init; } = [];

    public string? RenderedText { get; init; }

    /// <summary>How many raw events this record stands for: 1, except for alert payloads that report a count.</summary>
    public long Count { get; init; } = 1;

    /// <summary>For alert payloads only: <c>Fired</c> or <c>Resolved</c>.</summary>
    public string? AlertCondition { get; init; }

    internal static readonly IReadOnlyDictionary<string, string> EmptyNamed =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A part of the input that could not be read: where (line, offset or JSON path) and why.</summary>
public sealed record SignalRejection(string Location, string Reason) : SignalItem;

/// <summary>Something the operator should see that is not an error (a Resolved alert, a partial result).</summary>
public sealed record SignalNotice(string Location, string Message) : SignalItem;
