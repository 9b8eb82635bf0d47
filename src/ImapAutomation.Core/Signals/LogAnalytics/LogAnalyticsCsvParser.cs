using System.Runtime.CompilerServices;
using ImapAutomation.Core.Signals.Csv;
using ImapAutomation.Core.Signals.EventXml;

namespace ImapAutomation.Core.Signals.LogAnalytics;

/// <summary>Reads a CSV export of the Log Analytics <c>Event</c> table: columns found by header name, in any order.</summary>
internal sealed class LogAnalyticsCsvParser(TextReader reader, SignalReaderOptions options)
{
    private readonly CsvRecordReader _records = new(reader, options.MaxCsvRecordChars, multiline: true);

    public long Consumed => _records.CharsRead;

    public async IAsyncEnumerable<SignalItem> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        EventTableColumns? columns = null;
        while (await _records.ReadAsync(cancellationToken).ConfigureAwait(false) is { } record)
        {
            var location = $"line {record.Line}";
            if (record.Error is not null)
            {
                yield return new SignalRejection(location, $"broken CSV: {record.Error}");
                continue;
            }

            if (record.Fields.Count == 1 && record.Fields[0].Length == 0)
            {
                continue;
            }

            if (columns is null)
            {
                if (!EventTableColumns.TryCreate(record.Fields, out columns, out var reason))
                {
                    yield return new SignalRejection(location, $"the header is {reason}; the file is not read");
                    yield break;
                }

                continue;
            }

            if (record.Fields.Count != columns.Count)
            {
                yield return new SignalRejection(location, $"the row has {record.Fields.Count} fields but the header names {columns.Count} columns");
                continue;
            }

            SignalItem item;
            try
            {
                var fields = record.Fields;
                item = columns.Map(i => fields[i].Length == 0 ? null : fields[i], options);
            }
            catch (EventFormatException ex)
            {
                item = new SignalRejection(location, ex.Message);
            }

            yield return item;
        }
    }
}
