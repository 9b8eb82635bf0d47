namespace ImapAutomation.Core.Signals.EventXml;

/// <summary>A TextReader over a slice of a char array, so each framed event is parsed without copying it into a string.</summary>
internal sealed class CharSegmentReader : TextReader
{
    private char[] _buffer = [];
    private int _position;
    private int _end;

    public void Reset(char[] buffer, int start, int length)
    {
        _buffer = buffer;
        _position = start;
        _end = start + length;
    }

    public override int Peek() => _position < _end ? _buffer[_position] : -1;

    public override int Read() => _position < _end ? _buffer[_position++] : -1;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        var n = Math.Min(buffer.Length, _end - _position);
        _buffer.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }
}
