using ImapAutomation.Core.Evtx;

namespace ImapAutomation.Core.Signals.Evtx;

/// <summary>
/// Feeds the synchronous <see cref="EvtxReader"/> from bytes read ahead asynchronously, so a stream that forbids or
/// blocks on synchronous reads (a request body, a network stream) is read asynchronously one chunk at a time.
/// </summary>
/// <remarks>
/// The reader takes at most the file header and one chunk per record step, except across chunks with no records;
/// there it falls back to a synchronous read of the inner stream rather than fail.
/// </remarks>
internal sealed class ReadAheadStream(Stream inner) : ForwardReadStream
{
    private readonly byte[] _buffer = new byte[EvtxReader.FileHeaderSize + EvtxReader.ChunkSize];
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>Tops the buffer up to a header and a chunk ahead (or the end of the input).</summary>
    public async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_eof || _end - _start == _buffer.Length)
        {
            return;
        }

        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        while (_end < _buffer.Length)
        {
            var n = await inner.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                _eof = true;
                return;
            }

            _end += n;
        }
    }

    public override int Read(Span<byte> buffer)
    {
        if (_start < _end)
        {
            var n = Math.Min(buffer.Length, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(buffer);
            _start += n;
            return n;
        }

        return _eof ? 0 : inner.Read(buffer);
    }
}
