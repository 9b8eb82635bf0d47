using System.Text;

namespace ImapAutomation.Core.Signals.Csv;

/// <summary>One CSV record, or why it was rejected; <see cref="Line"/> is where it starts.</summary>
internal sealed record CsvRecord(long Line, IReadOnlyList<string> Fields, string? Error, string RawFirstLine);

/// <summary>
/// RFC 4180 records: comma-separated, fields optionally in double quotes with <c>""</c> for a quote. With
/// <c>multiline</c> a quoted field may span lines (Log Analytics descriptions do); the record stays within the cap.
/// A broken record is rejected and reading resumes at the next line.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader, int maxRecordChars, bool multiline)
{
    private readonly BoundedLineReader _lines = new(reader, maxRecordChars);

    public long CharsRead => _lines.CharsRead;

    public async ValueTask<CsvRecord?> ReadAsync(CancellationToken cancellationToken)
    {
        var (line, tooLong) = await _lines.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (line is null)
        {
            return null;
        }

        var start = _lines.LineNumber;
        if (tooLong)
        {
            return new CsvRecord(start, [], $"line longer than {maxRecordChars} characters", string.Empty);
        }

        var fields = new List<string>();
        var field = new StringBuilder();
        var total = line.Length;
        var text = line;
        var i = 0;
        var inQuotes = false;
        while (true)
        {
            if (inQuotes)
            {
                var close = text.IndexOf('"', i);
                if (close < 0)
                {
                    field.Append(text, i, text.Length - i);
                    if (!multiline)
                    {
                        return new CsvRecord(start, [], $"unterminated quoted field (column {fields.Count + 1})", line);
                    }

                    var (next, nextTooLong) = await _lines.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                    total += (next?.Length ?? 0) + 1;
                    if (next is null || nextTooLong || total > maxRecordChars)
                    {
                        return new CsvRecord(start, [], next is null
                            ? $"unterminated quoted field (column {fields.Count + 1}) at the end of the input"
                            : $"quoted field (column {fields.Count + 1}) longer than {maxRecordChars} characters; reading resumes at line {_lines.LineNumber + 1}", line);
                    }

                    field.Append('\n');
                    text = next;
                    i = 0;
                    continue;
                }

                field.Append(text, i, close - i);
                if (close + 1 < text.Length && text[close + 1] == '"')
                {
                    field.Append('"');
                    i = close + 2;
                    continue;
                }

                inQuotes = false;
                i = close + 1;
                if (i < text.Length && text[i] != ',')
                {
                    return new CsvRecord(start, [], $"unexpected '{text[i]}' after a closing quote (field {fields.Count + 1})", line);
                }
            }
            else if (i < text.Length && text[i] == '"' && field.Length == 0)
            {
                inQuotes = true;
                i++;
                continue;
            }
            else
            {
                var comma = text.IndexOf(',', i);
                var end = comma < 0 ? text.Length : comma;
                if (text.AsSpan(i, end - i).Contains('"'))
                {
                    return new CsvRecord(start, [], $"a quote inside an unquoted field (field {fields.Count + 1})", line);
                }

                field.Append(text, i, end - i);
                i = end;
            }

            fields.Add(field.ToString());
            field.Clear();
            if (i >= text.Length)
            {
                return new CsvRecord(start, fields, null, line);
            }

            i++; // the comma
            if (i == text.Length)
            {
                fields.Add(string.Empty);
                return new CsvRecord(start, fields, null, line);
            }
        }
    }
}
