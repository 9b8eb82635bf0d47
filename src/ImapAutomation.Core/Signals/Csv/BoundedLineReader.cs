using System.Text;

namespace ImapAutomation.Core.Signals.Csv;

/// <summary>Reads lines with a length cap, so one enormous line costs a rejection instead of unbounded memory.</summary>
internal sealed class BoundedLineReader(TextReader reader, int maxChars)
{
    private readonly char[] _buffer = new char[32 * 1024];
    private readonly StringBuilder _line = new();
    private int _position;
    private int _end;
    private bool _eof;

    /// <summary>Number of the line last returned (1-based).</summary>
    public long LineNumber { get; private set; }

    public long CharsRead { get; private set; }

    /// <summary>The next line without its terminator; null at end; <c>TooLong</c> when it exceeded the cap (its text is dropped).</summary>
    public async ValueTask<(string? Line, bool TooLong)> ReadLineAsync(CancellationToken cancellationToken)
    {
        _line.Clear();
        var tooLong = false;
        while (true)
        {
            if (_position == _end)
            {
                if (_eof)
                {
                    break;
                }

                _end = await reader.ReadAsync(_buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                _position = 0;
                CharsRead += _end;
                if (_end == 0)
                {
                    _eof = true;
                    break;
                }
            }

            var span = _buffer.AsSpan(_position, _end - _position);
            var nl = span.IndexOf('\n');
            var take = nl >= 0 ? span[..nl] : span;
            if (!tooLong && _line.Length + take.Length > maxChars)
            {
                tooLong = true;
                _line.Clear();
            }

            if (!tooLong)
            {
                _line.Append(take);
            }

            _position += take.Length;
            if (nl >= 0)
            {
                _position++;
                LineNumber++;
                return (TrimCr(), tooLong);
            }
        }

        if (_line.Length == 0 && !tooLong)
        {
            return (null, false);
        }

        LineNumber++;
        return (TrimCr(), tooLong);
    }

    private string TrimCr()
    {
        if (_line.Length > 0 && _line[^1] == '\r')
        {
            _line.Length--;
        }

        return _line.ToString();
    }
}
