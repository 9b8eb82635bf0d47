using System.Text;

namespace ImapAutomation.Core.Signals.EventXml;

/// <summary>
/// A TextReader over one framed event's UTF-8 bytes, decoded as XmlReader asks for them (invalid bytes become U+FFFD,
/// as a StreamReader over the whole input would decode them). A frame XmlReader rejects early costs what it read, not
/// the whole frame: hostile input that makes every <c>&lt;Event</c> start a rejected frame stays linear.
/// </summary>
internal sealed class Utf8SegmentReader : TextReader
{
    private const int FirstBlock = 256;
    private const int Block = 4096;
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private readonly char[] _chars = new char[Block];
    private ReadOnlyMemory<byte> _bytes;
    private int _position;
    private int _end;
    private int _block;

    /// <summary>Characters decoded since this reader was made, for the tests that hold rejected frames to linear cost.</summary>
    internal long CharsDecoded { get; private set; }

    public void Reset(ReadOnlyMemory<byte> utf8)
    {
        _bytes = utf8;
        _decoder.Reset();
        _position = _end = 0;
        _block = FirstBlock;
    }

    public override int Peek() => Fill() ? _chars[_position] : -1;

    public override int Read() => Fill() ? _chars[_position++] : -1;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        if (buffer.IsEmpty || !Fill())
        {
            return 0;
        }

        var n = Math.Min(buffer.Length, _end - _position);
        _chars.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    /// <summary>Decodes the next block when the last is used up; false at the end of the frame.</summary>
    private bool Fill()
    {
        while (_position == _end)
        {
            if (_bytes.IsEmpty)
            {
                return false;
            }

            // Convert decodes what fits and says how many bytes that took; a sequence cut by the block waits in the decoder.
            // Small first: XmlReader parses what it is given, and most rejected frames fail within their first tags.
            var take = Math.Min(_bytes.Length, _block);
            _block = Math.Min(_block * 2, Block);
            _decoder.Convert(_bytes.Span[..take], _chars, flush: take == _bytes.Length, out var used, out var produced, out _);
            _bytes = _bytes[used..];
            (_position, _end) = (0, produced);
            CharsDecoded += produced;
        }

        return true;
    }
}
