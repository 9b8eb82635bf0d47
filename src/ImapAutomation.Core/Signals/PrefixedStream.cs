namespace ImapAutomation.Core.Signals;

/// <summary>Replays the bytes read for format detection, then the rest of the stream; read-only and forward-only.</summary>
/// <remarks>Lets detection work on any stream (an HTTP body cannot seek) without buffering the whole input.</remarks>
internal sealed class PrefixedStream(byte[] prefix, int prefixLength, Stream inner, long limit) : ForwardReadStream
{
    private int _prefixPosition;
    private long _read;

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    /// <summary>True once a read stopped at the limit with more data behind it.</summary>
    public bool LimitExceeded { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        if (_prefixPosition < prefixLength)
        {
            var n = Math.Min(buffer.Length, prefixLength - _prefixPosition);
            prefix.AsSpan(_prefixPosition, n).CopyTo(buffer);
            _prefixPosition += n;
            return Count(n);
        }

        return Count(inner.Read(Clamp(buffer)));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefixPosition < prefixLength)
        {
            return Read(buffer.Span);
        }

        var clamped = buffer.Length == 0 ? buffer : buffer[..Clamp(buffer.Span).Length];
        return Count(await inner.ReadAsync(clamped, cancellationToken).ConfigureAwait(false));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private Span<byte> Clamp(Span<byte> buffer)
    {
        var left = limit - _read;
        if (left <= 0)
        {
            // One byte past the limit tells "exactly at the limit" from "over it".
            return buffer.Length == 0 ? buffer : buffer[..1];
        }

        return left < buffer.Length ? buffer[..(int)left] : buffer;
    }

    private int Count(int n)
    {
        _read += n;
        if (_read > limit)
        {
            LimitExceeded = true;
            return 0;
        }

        return n;
    }
}
