using System.IO.Compression;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace ImapAutomation.Core.Polling;

/// <summary>
/// Keeps the poll checkpoint in one Table Storage entity, written with the ETag it was read with so that two pollers
/// can never both move the watermark (the second gets <see cref="PollConflictException"/>).
/// </summary>
public sealed class PollCheckpointStore(TableClient table)
{
    private const string Partition = "poll";
    private const int MaxSeenBytes = 60 * 1024; // a binary property holds 64 KiB

    public async Task<(PollCheckpoint Checkpoint, ETag ETag)> LoadAsync(string name, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(Partition, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue || response.Value is null)
        {
            return (new PollCheckpoint(null), default);
        }

        var entity = response.Value;
        var seen = entity.GetBinary("Seen") is { } packed ? Unpack(packed) : null;
        return (new PollCheckpoint(entity.GetDateTimeOffset("Watermark"), seen), entity.ETag);
    }

    public async Task SaveAsync(string name, PollCheckpoint checkpoint, ETag etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var packed = Pack(checkpoint.Seen);
        if (packed.Length > MaxSeenBytes)
        {
            throw new InvalidOperationException(
                $"The poll checkpoint needs {packed.Length} bytes for {checkpoint.Seen.Count} buckets (at most {MaxSeenBytes}): shorten EventPoll:Overlap or lengthen EventPoll:BucketSize.");
        }

        var entity = new TableEntity(Partition, name) { ["Watermark"] = checkpoint.Watermark, ["Seen"] = packed };
        try
        {
            if (etag == default)
            {
                await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new PollConflictException($"Another poller moved checkpoint '{name}' first.", ex);
        }
    }

    private static byte[] Pack(IReadOnlyDictionary<string, long> seen)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            JsonSerializer.Serialize(gzip, seen, PollJsonContext.Default.IReadOnlyDictionaryStringInt64);
        }

        return buffer.ToArray();
    }

    private static Dictionary<string, long>? Unpack(byte[] packed)
    {
        using var gzip = new GZipStream(new MemoryStream(packed), CompressionMode.Decompress);
        return JsonSerializer.Deserialize(gzip, PollJsonContext.Default.DictionaryStringInt64);
    }
}

/// <summary>Another instance polled the same interval first; this poll's result is dropped, the other's counts stand.</summary>
public sealed class PollConflictException : Exception
{
    public PollConflictException()
    {
    }

    public PollConflictException(string message)
        : base(message)
    {
    }

    public PollConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyDictionary<string, long>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, long>))]
internal sealed partial class PollJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
