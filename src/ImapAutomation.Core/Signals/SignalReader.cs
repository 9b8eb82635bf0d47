using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ImapAutomation.Core.Evtx;
using ImapAutomation.Core.Signals.Alerts;
using ImapAutomation.Core.Signals.Evtx;
using ImapAutomation.Core.Signals.EventXml;
using ImapAutomation.Core.Signals.LogAnalytics;
using ImapAutomation.Core.Signals.ProtocolLog;

namespace ImapAutomation.Core.Signals;

/// <summary>
/// Opens any supported input, tells its format from the content (never the file name: an .evtx file by its
/// <c>ElfFile</c> signature) and streams it as
/// <see cref="SignalItem"/>s. Used by <c>imapauto triage</c> on files and by the Functions app on request bodies.
/// </summary>
public static class SignalReader
{
    private const int SniffBytes = 4096;
    private const int MaxSniffBytes = 1024 * 1024;

    public static async Task<SignalInput> OpenAsync(Stream stream, SignalReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= SignalReaderOptions.Default;
        var prefix = new byte[SniffBytes];
        var length = 0;
        var eof = false;
        string head;
        Encoding encoding;
        int bomLength;
        while (true)
        {
            while (length < prefix.Length && !eof)
            {
                var n = await stream.ReadAsync(prefix.AsMemory(length), cancellationToken).ConfigureAwait(false);
                eof = n == 0;
                length += n;
            }

            (encoding, bomLength) = DetectEncoding(prefix.AsSpan(0, length));
            head = encoding.GetString(prefix, bomLength, length - bomLength);

            // Leading blank space is allowed; look further (within a bound) for the first meaningful character.
            if (eof || !head.AsSpan().TrimStart().IsEmpty || prefix.Length >= MaxSniffBytes)
            {
                break;
            }

            Array.Resize(ref prefix, prefix.Length * 2);
        }

        // Binary, so told by its magic before any text decoding; other binary input is still refused below.
        if (EvtxReader.HasSignature(prefix.AsSpan(0, length)))
        {
            var evtx = new PrefixedStream(prefix, length, stream, long.MaxValue);
            return new SignalInput(SignalFormat.Evtx, ct => new EvtxSignalParser(evtx, options.Evtx).ReadAsync(ct), null);
        }

        var first = head.TrimStart(' ', '\t', '\r', '\n', '\uFEFF');
        if (first.Length == 0)
        {
            return SignalInput.Rejected(SignalFormat.Unknown, $"offset {length}", length == 0 ? "the input is empty" : "the input is only blank space");
        }

        switch (first[0])
        {
            case '<':
                return SignalInput.EventXml(new PrefixedStream(prefix, length, stream, long.MaxValue), encoding, options);
            case '{' or '[':
                return await OpenJsonAsync(new PrefixedStream(prefix, length, stream, options.MaxJsonBytes), options, cancellationToken).ConfigureAwait(false);
            case '#':
                return SignalInput.Text(SignalFormat.ImapProtocolLog, new PrefixedStream(prefix, length, stream, long.MaxValue), options);
        }

        if (LooksBinary(head))
        {
            return SignalInput.Rejected(SignalFormat.Unknown, $"offset {OffsetOfBinary(prefix.AsSpan(0, length))}", "binary data that is not an .evtx file (no ElfFile signature), nor text in a supported format");
        }

        var firstLine = first.Split('\n', 2)[0];
        if (firstLine.Contains("EventID", StringComparison.OrdinalIgnoreCase) && firstLine.Contains(',', StringComparison.Ordinal))
        {
            return SignalInput.Text(SignalFormat.LogAnalyticsCsv, new PrefixedStream(prefix, length, stream, long.MaxValue), options);
        }

        return SignalInput.Rejected(
            SignalFormat.Unknown,
            "line 1",
            "not a supported format (Windows Event XML or .evtx, Log Analytics JSON or CSV with an EventID column, Azure Monitor alert JSON, IMAP4 protocol log)");
    }

    private static async Task<SignalInput> OpenJsonAsync(PrefixedStream stream, SignalReaderOptions options, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(stream, new JsonDocumentOptions { MaxDepth = 64 }, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex) when (stream.LimitExceeded)
        {
            return SignalInput.Rejected(SignalFormat.Unknown, $"offset {options.MaxJsonBytes}", $"JSON larger than {options.MaxJsonBytes} bytes ({ex.GetType().Name})");
        }
        catch (JsonException ex)
        {
            return SignalInput.Rejected(
                SignalFormat.Unknown,
                $"line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}",
                $"malformed JSON: {FirstSentence(ex.Message)}");
        }

        var root = document.RootElement;
        if (LogAnalyticsJsonParser.Matches(root))
        {
            return new SignalInput(SignalFormat.LogAnalyticsJson, ct => ToAsync(LogAnalyticsJsonParser.Read(root, options), ct), document);
        }

        if (CommonAlertParser.Matches(root))
        {
            return new SignalInput(SignalFormat.AzureMonitorAlert, ct => ToAsync(CommonAlertParser.Read(root), ct), document);
        }

        document.Dispose();
        return SignalInput.Rejected(SignalFormat.Unknown, "$", "JSON that is neither a Log Analytics query response (tables) nor a common alert schema payload (schemaId)");
    }

    private static async IAsyncEnumerable<SignalItem> ToAsync(IEnumerable<SignalItem> items, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
    }

    private static (Encoding Encoding, int BomLength) DetectEncoding(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return (new UTF8Encoding(false), 3);
        }

        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (Encoding.Unicode, 2);
        }

        if (b.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (Encoding.BigEndianUnicode, 2);
        }

        return (new UTF8Encoding(false), 0);
    }

    /// <summary>NULs or many control characters in the first block mean binary (an .evtx file, a zip, random bytes).</summary>
    private static bool LooksBinary(string head)
    {
        var controls = 0;
        foreach (var c in head)
        {
            if (c == '\0')
            {
                return true;
            }

            if ((char.IsControl(c) && c is not '\r' and not '\n' and not '\t') || c == '\uFFFD')
            {
                controls++;
            }
        }

        return controls > head.Length / 20;
    }

    private static int OffsetOfBinary(ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] < 0x09 || bytes[i] is > 0x0D and < 0x20)
            {
                return i;
            }
        }

        return 0;
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut].TrimEnd('.', ' ') : message;
    }
}

/// <summary>An opened input: its detected format and its items, read once.</summary>
public sealed class SignalInput : IDisposable
{
    private readonly Func<CancellationToken, IAsyncEnumerable<SignalItem>> _read;
    private readonly IDisposable? _owned;

    internal SignalInput(SignalFormat format, Func<CancellationToken, IAsyncEnumerable<SignalItem>> read, IDisposable? owned)
    {
        Format = format;
        _read = read;
        _owned = owned;
    }

    public SignalFormat Format { get; }

    public IAsyncEnumerable<SignalItem> ReadAsync(CancellationToken cancellationToken = default) => _read(cancellationToken);

    public void Dispose() => _owned?.Dispose();

    internal static SignalInput Rejected(SignalFormat format, string location, string reason) =>
        new(format, _ => One(new SignalRejection(location, reason)), null);

    internal static SignalInput Text(SignalFormat format, Stream stream, SignalReaderOptions options)
    {
        var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        return format == SignalFormat.ImapProtocolLog
            ? new SignalInput(format, ct => new ImapProtocolLogParser(reader, options).ReadAsync(ct), reader)
            : new SignalInput(format, ct => new LogAnalyticsCsvParser(reader, options).ReadAsync(ct), reader);
    }

    /// <summary>Event XML is parsed from UTF-8 bytes; UTF-16 input (told by its byte order mark) is transcoded on the way.</summary>
    internal static SignalInput EventXml(Stream stream, Encoding encoding, SignalReaderOptions options)
    {
        var utf8 = encoding is UTF8Encoding ? stream : Encoding.CreateTranscodingStream(stream, encoding, new UTF8Encoding(false), leaveOpen: true);
        return new SignalInput(SignalFormat.WindowsEventXml, ct => new WindowsEventXmlParser(utf8, options, ct), ReferenceEquals(utf8, stream) ? null : utf8);
    }

    private static async IAsyncEnumerable<SignalItem> One(SignalItem item)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return item;
    }
}
