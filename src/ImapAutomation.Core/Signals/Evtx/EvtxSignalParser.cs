using System.Runtime.CompilerServices;
using ImapAutomation.Core.Evtx;

namespace ImapAutomation.Core.Signals.Evtx;

/// <summary>Streams the records of an .evtx file as <see cref="SignalEvent"/>s and the reader's problems as rejections.</summary>
/// <remarks>
/// The mapping matches what <c>WindowsEventXmlParser</c> yields for the same event rendered as XML (a differential
/// test holds it to that), so a server triaged from an export or from its XML rendering gets the same incidents.
/// </remarks>
internal sealed class EvtxSignalParser(Stream stream, EvtxReaderOptions? options = null)
{
    private int _problemsReported;

    public async IAsyncEnumerable<SignalItem> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var input = new ReadAheadStream(stream);
        var reader = new EvtxReader(input, options);
        using var records = reader.ReadRecords(cancellationToken).GetEnumerator();
        while (true)
        {
            // EvtxReader reads synchronously; the bytes its next step needs are read ahead asynchronously.
            await input.FillAsync(cancellationToken).ConfigureAwait(false);
            var more = records.MoveNext();
            foreach (var problem in NewProblems(reader))
            {
                yield return problem;
            }

            if (!more)
            {
                break;
            }

            yield return ToSignal(records.Current);
        }

        var unlisted = reader.ProblemCount - reader.Problems.Count;
        if (unlisted > 0)
        {
            yield return new SignalRejection("file", $"{unlisted} further problems found by the .evtx reader and not listed");
        }
    }

    internal static SignalItem ToSignal(EvtxRecord record)
    {
        var system = record.Root.Element("System");
        var provider = record.ProviderName ?? record.EventSourceName;
        if (string.IsNullOrWhiteSpace(provider))
        {
            return new SignalRejection(LocationOf(record.ChunkIndex, record.FileOffset), $"unusable event (record {record.EventRecordId}): the event has no System/Provider@Name");
        }

        if (system?.Element("EventID") is null)
        {
            return new SignalRejection(LocationOf(record.ChunkIndex, record.FileOffset), $"unusable event (record {record.EventRecordId}): the event has no System/EventID");
        }

        Dictionary<string, string>? named = null;
        List<string>? positional = null;
        foreach (var item in record.EventData)
        {
            // Like the XML parser: only Data elements carry values; an empty Name attribute means positional.
            if (item.Element != "Data")
            {
                continue;
            }

            if (string.IsNullOrEmpty(item.Name))
            {
                (positional ??= []).Add(item.Value);
            }
            else
            {
                (named ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)).TryAdd(item.Name, item.Value);
            }
        }

        foreach (var item in record.UserData)
        {
            // UserData leaves are named by their element, and empty leaves and attributes are not data: the XML
            // parser's rule, so both renderings of an event agree.
            var slash = item.Element.LastIndexOf('/');
            var leaf = item.Element[(slash + 1)..];
            if (item.Value.Length > 0 && !leaf.Contains('@', StringComparison.Ordinal))
            {
                (named ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)).TryAdd(leaf, item.Value);
            }
        }

        return new SignalEvent(record.Computer?.Trim() ?? string.Empty, provider.Trim(), record.EventId, record.TimeCreated)
        {
            Qualifiers = record.Qualifiers,
            Level = record.Level,
            RecordId = record.EventRecordId,
            Channel = record.Channel,
            NamedData = named ?? SignalEvent.EmptyNamed,
            PositionalData = positional ?? [],
        };
    }

    internal static string LocationOf(int chunkIndex, long fileOffset) =>
        chunkIndex < 0 ? $"file header, offset {fileOffset}" : $"chunk {chunkIndex}, offset {fileOffset}";

    private List<SignalItem> NewProblems(EvtxReader reader)
    {
        var problems = reader.Problems;
        if (_problemsReported == problems.Count)
        {
            return [];
        }

        var items = new List<SignalItem>(problems.Count - _problemsReported);
        for (; _problemsReported < problems.Count; _problemsReported++)
        {
            var p = problems[_problemsReported];
            var location = LocationOf(p.ChunkIndex, p.FileOffset);

            // A dirty flag loses nothing by itself (every chunk is read), so it is worth telling, not a rejection.
            items.Add(p.Kind == EvtxProblemKind.DirtyFile ? new SignalNotice(location, p.Message) : new SignalRejection(location, p.Message));
        }

        return items;
    }
}
