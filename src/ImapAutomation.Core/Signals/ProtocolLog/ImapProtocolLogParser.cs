using System.Runtime.CompilerServices;
using ImapAutomation.Core.Signals.Csv;

namespace ImapAutomation.Core.Signals.ProtocolLog;

/// <summary>
/// Reads Exchange IMAP4 protocol logs (<c>#Fields:</c> header, RFC 4180 CSV). Every line is an event; a line whose
/// context says <c>ErrMsg=ProxyNotAuthenticated</c> names the back-end server in <c>Proxy:&lt;fqdn&gt;:&lt;port&gt;</c>,
/// and that server is the event's server.
/// </summary>
internal sealed class ImapProtocolLogParser(TextReader reader, SignalReaderOptions options)
{
    private readonly CsvRecordReader _records = new(reader, options.MaxCsvRecordChars, multiline: false);

    public long Consumed => _records.CharsRead;

    public async IAsyncEnumerable<SignalItem> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string[]? fields = null;
        while (await _records.ReadAsync(cancellationToken).ConfigureAwait(false) is { } record)
        {
            var location = $"line {record.Line}";
            if (record.RawFirstLine.StartsWith('#'))
            {
                if (record.RawFirstLine.StartsWith("#Fields:", StringComparison.OrdinalIgnoreCase))
                {
                    fields = [.. record.RawFirstLine["#Fields:".Length..].Split(',', StringSplitOptions.TrimEntries)];
                }

                continue;
            }

            if (record.Error is not null)
            {
                yield return new SignalRejection(location, $"broken CSV: {record.Error}");
                continue;
            }

            if (record.Fields.Count == 1 && record.Fields[0].Length == 0)
            {
                continue;
            }

            if (fields is null)
            {
                yield return new SignalRejection(location, "a log line before the #Fields: header");
                continue;
            }

            if (record.Fields.Count != fields.Length)
            {
                yield return new SignalRejection(location, $"the line has {record.Fields.Count} fields but #Fields names {fields.Length}");
                continue;
            }

            yield return Map(fields, record.Fields, location);
        }
    }

    private static SignalItem Map(string[] names, IReadOnlyList<string> values, string location)
    {
        var named = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < names.Length; i++)
        {
            named.TryAdd(names[i], values[i]);
        }

        if (!EventTime.TryParse(named.GetValueOrDefault("dateTime"), out var time))
        {
            return new SignalRejection(location, $"dateTime '{named.GetValueOrDefault("dateTime")}' is not a time");
        }

        var context = ProtocolContext.Parse(named.GetValueOrDefault("context") ?? string.Empty);
        var server = string.Empty;
        if (context.TryGetValue("ErrMsg", out var errMsg))
        {
            named["ErrMsg"] = errMsg;
        }

        if (ProtocolContext.ProxyTarget(context.GetValueOrDefault("Msg") ?? named.GetValueOrDefault("context") ?? string.Empty) is { } proxy)
        {
            named["ProxyTarget"] = $"{proxy.Host}:{proxy.Port}";
            server = proxy.Host;
        }

        return new SignalEvent(server, SignalEvent.ImapProtocolLogProvider, 0, time)
        {
            NamedData = named,
            RenderedText = named.GetValueOrDefault("context"),
        };
    }
}
