using System.Text.Json;
using Azure.Data.Tables;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Incidents;

namespace ImapAutomation.Core.Policy;

/// <summary>
/// What the breaker says about one kind: whether automatic changes are stopped, whether this call tripped it, and the
/// server whose write tripped it (null for a row written before it was recorded).
/// </summary>
internal readonly record struct BreakerState(bool IsOpen, bool TrippedNow, int Servers, string? TrippedBy = null);

/// <summary>
/// The fleet circuit breaker: a row per incident kind listing the servers that needed a change within the window.
/// When that reaches the threshold, automatic changes of that kind stop and exactly one writer (the one whose
/// ETag write tripped it) escalates for the fleet.
/// </summary>
internal sealed class FleetBreaker(TableClient table, PolicyOptions options)
{
    private const string Partition = "~fleet";
    private const int MaxConflicts = 50;

    public async Task<BreakerState> RecordNeedAsync(IncidentKind kind, string server, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxConflicts; attempt++)
        {
            var row = await TableRows.ReadAsync(table, Partition, kind.ToString(), cancellationToken).ConfigureAwait(false);
            var servers = row?.GetString("Servers") is { } json
                ? JsonSerializer.Deserialize(json, IncidentJsonContext.Default.DictionaryStringDateTimeOffset)!
                : [];
            var trippedAt = row?.GetDateTimeOffset("TrippedAt");
            var trippedBy = row?.GetString("TrippedBy");
            var windowStart = now - options.FleetWindow;
            var stale = servers.Where(s => s.Value < windowStart).Select(s => s.Key).ToList();
            stale.ForEach(s => servers.Remove(s));
            var added = servers.TryAdd(server, now);
            var open = trippedAt > windowStart;
            var trip = !open && servers.Count >= options.FleetBreakerServers;
            if (!added && stale.Count == 0 && !trip)
            {
                return new(open, false, servers.Count, trippedBy);
            }

            var entity = row ?? new TableEntity(Partition, kind.ToString());
            entity["Servers"] = JsonSerializer.Serialize(servers, IncidentJsonContext.Default.DictionaryStringDateTimeOffset);
            if (trip)
            {
                entity["TrippedAt"] = now;
                entity["TrippedBy"] = server;
            }

            if (await TableRows.TryWriteAsync(table, entity, row is null, cancellationToken).ConfigureAwait(false))
            {
                return new(open || trip, trip, servers.Count, trip ? server : trippedBy);
            }

            await TableRows.BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"Fleet breaker {kind}: too many conflicting writers.");
    }
}
