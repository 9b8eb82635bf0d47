using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Signals;

namespace ImapAutomation.Core.Detection;

/// <summary>
/// Folds events into one <see cref="Detection"/> per (server, kind) per correlation window. Incremental: feed events
/// in batches with <see cref="Add"/>, take the windows that have closed with <see cref="TakeCompleted"/>, and the
/// rest with <see cref="TakeAll"/>. Memory grows with servers and windows, not with events.
/// </summary>
/// <remarks>
/// Windows are tumbling and aligned to the Unix epoch, so the result does not depend on arrival order. An event that
/// arrives for a window already taken starts that window again; the incident engine deduplicates such repeats.
/// </remarks>
public sealed class DetectionCorrelator
{
    private readonly TimeSpan _window;
    private const int MaxServerSpellings = 100_000;
    private readonly Dictionary<(string Server, long Start), Bucket> _buckets = [];

    // Storms repeat a handful of spellings of each server name: each is normalized once and remembers its current
    // window's bucket, so most events cost one lookup by the name as written and no allocation.
    private readonly Dictionary<string, ServerSpelling> _servers = new(StringComparer.Ordinal);

    public DetectionCorrelator(DetectionOptions? options = null)
    {
        _window = (options ?? new DetectionOptions()).Window;
        if (_window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _window, "the correlation window must be positive");
        }
    }

    /// <summary>Events seen (alert records count as many events as they report).</summary>
    public long EventsSeen { get; private set; }

    /// <summary>Events no rule uses: counted, not acted on.</summary>
    public long EventsIgnored { get; private set; }

    public void Add(SignalEvent signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        EventsSeen += signal.Count;
        var kind = DetectionRules.Classify(signal);
        if (kind == SignalKind.Other)
        {
            EventsIgnored += signal.Count;
            return;
        }

        if (!_servers.TryGetValue(signal.Server, out var spelling))
        {
            spelling = new ServerSpelling(signal.Server.Trim().ToLowerInvariant());
            if (_servers.Count < MaxServerSpellings)
            {
                _servers.Add(signal.Server, spelling);
            }
        }

        var start = WindowStart(signal.Time);
        var bucket = spelling.Bucket;
        if (bucket is null || bucket.Taken || spelling.Start != start)
        {
            if (!_buckets.TryGetValue((spelling.Server, start), out bucket))
            {
                bucket = new Bucket(spelling.Server);
                _buckets.Add((spelling.Server, start), bucket);
            }

            (spelling.Start, spelling.Bucket) = (start, bucket);
        }

        bucket.Add(kind, signal);
    }

    /// <summary>Detections of every window that ended at or before <paramref name="watermark"/>, removed from the correlator.</summary>
    public IReadOnlyList<Detection> TakeCompleted(DateTimeOffset watermark) =>
        Take(key => new DateTimeOffset(key.Start, TimeSpan.Zero) + _window <= watermark);

    /// <summary>Detections of every window, closed or not; the correlator is empty afterwards.</summary>
    public IReadOnlyList<Detection> TakeAll() => Take(_ => true);

    private List<Detection> Take(Func<(string Server, long Start), bool> predicate)
    {
        var keys = _buckets.Keys.Where(predicate).OrderBy(k => k.Server, StringComparer.Ordinal).ThenBy(k => k.Start).ToList();
        var result = new List<Detection>();
        foreach (var key in keys)
        {
            var bucket = _buckets[key];
            result.AddRange(bucket.ToDetections());
            bucket.Taken = true;
            _buckets.Remove(key);
        }

        return result;
    }

    private long WindowStart(DateTimeOffset time)
    {
        var sinceEpoch = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var offset = sinceEpoch % _window.Ticks;
        if (offset < 0)
        {
            offset += _window.Ticks;
        }

        return time.UtcTicks - offset;
    }

    private sealed class Aggregate(DateTimeOffset time)
    {
        public long Count { get; set; }

        public DateTimeOffset First { get; set; } = time;

        public DateTimeOffset Last { get; set; } = time;

        public void Add(SignalEvent e)
        {
            Count += e.Count;
            First = e.Time < First ? e.Time : First;
            Last = e.Time > Last ? e.Time : Last;
        }
    }

    private readonly record struct EvidenceKey(SignalKind Kind, string Source, int EventId, int? Alert, string? State);

    /// <summary>One evidence line of a detection, in report order: IMAP events before Schannel, then source, ID, most events first, alert, state.</summary>
    private sealed record EvidenceRow(EvidenceKey Key, Aggregate Aggregate)
    {
        public static int Compare(EvidenceRow? x, EvidenceRow? y)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            var (a, b) = (x.Key, y.Key);
            var order = (a.Kind == SignalKind.Schannel36888).CompareTo(b.Kind == SignalKind.Schannel36888);
            if (order == 0)
            {
                order = string.CompareOrdinal(a.Source, b.Source);
            }

            if (order == 0)
            {
                order = a.EventId.CompareTo(b.EventId);
            }

            if (order == 0)
            {
                order = y.Aggregate.Count.CompareTo(x.Aggregate.Count);
            }

            if (order == 0)
            {
                order = Nullable.Compare(a.Alert, b.Alert);
            }

            return order != 0 ? order : string.CompareOrdinal(a.State, b.State);
        }
    }

    /// <summary>One spelling of a server name as the input writes it: its normalized name and the bucket it last fed.</summary>
    private sealed class ServerSpelling(string server)
    {
        public string Server { get; } = server;

        public long Start { get; set; }

        public Bucket? Bucket { get; set; }
    }

    /// <summary>
    /// Equality as the record's, with a cheaper hash: sources are a few constants and states short numbers, and a
    /// bucket holds at most <see cref="Bucket.MaxEvidenceItems"/> keys, so a weak hash cannot cost much.
    /// </summary>
    private sealed class EvidenceKeyComparer : IEqualityComparer<EvidenceKey>
    {
        public static EvidenceKeyComparer Instance { get; } = new();

        public bool Equals(EvidenceKey x, EvidenceKey y) =>
            x.Kind == y.Kind && x.EventId == y.EventId && x.Alert == y.Alert &&
            string.Equals(x.Source, y.Source, StringComparison.Ordinal) && string.Equals(x.State, y.State, StringComparison.Ordinal);

        public int GetHashCode(EvidenceKey key)
        {
            var state = key.State.AsSpan();
            var hash = (uint)state.Length;
            foreach (var c in state[..Math.Min(state.Length, 16)])
            {
                hash = (hash ^ c) * 16777619;
            }

            return HashCode.Combine((int)key.Kind, key.EventId, key.Alert ?? -1, key.Source.Length, hash);
        }
    }

    private sealed class Bucket(string server)
    {
        internal const int MaxEvidenceItems = 64;
        internal const string OverflowState = "(further alert/state pairs, not listed)";

        private readonly Dictionary<EvidenceKey, Aggregate> _evidence = new(EvidenceKeyComparer.Instance);

        /// <summary>Set when the bucket's detections were taken; a later event for its window starts a new bucket.</summary>
        public bool Taken { get; set; }

        public void Add(SignalKind kind, SignalEvent e)
        {
            EvidenceKey key;
            if (kind == SignalKind.Schannel36888)
            {
                var (alert, state) = DetectionRules.TlsAlertOf(e);
                key = new EvidenceKey(kind, DetectionRules.SchannelProvider, e.EventId, alert, state);
            }
            else
            {
                key = new EvidenceKey(kind, CanonicalSource(kind, e.Provider), e.EventId, null, null);
            }

            if (!_evidence.TryGetValue(key, out var aggregate))
            {
                if (_evidence.Count >= MaxEvidenceItems)
                {
                    // Error states are free text to us: a hostile or odd source must not grow memory per event.
                    key = key with { Alert = null, State = OverflowState };
                    if (_evidence.TryGetValue(key, out aggregate))
                    {
                        aggregate.Add(e);
                        return;
                    }
                }

                aggregate = new Aggregate(e.Time);
                _evidence.Add(key, aggregate);
            }

            aggregate.Add(e);
        }

        public IEnumerable<Detection> ToDetections()
        {
            var hasCertificate = false;
            foreach (var key in _evidence.Keys)
            {
                hasCertificate |= key.Kind == SignalKind.ImapCertificate;
            }

            // Evidence as reference-typed rows and one comparison: sorting them runs the runtime's shared, precompiled
            // code instead of compiling a sorter per key type (a triage run pays for every method it compiles).
            var groups = new SortedList<IncidentKind, List<EvidenceRow>>();
            foreach (var (key, aggregate) in _evidence)
            {
                var kind = key.Kind switch
                {
                    SignalKind.ImapCertificate => IncidentKind.ImapCertificateBinding,
                    // Schannel 36888 beside IMAP certificate errors is a symptom of the missing binding, not its own incident.
                    SignalKind.Schannel36888 => hasCertificate ? IncidentKind.ImapCertificateBinding : IncidentKind.TlsHandshakeFailure,
                    SignalKind.ProxyNotAuthenticated => IncidentKind.ImapProxyAuthFailure,
                    _ => IncidentKind.ImapConnectionLimit,
                };
                if (!groups.TryGetValue(kind, out var rows))
                {
                    groups.Add(kind, rows = []);
                }

                rows.Add(new EvidenceRow(key, aggregate));
            }

            foreach (var (kind, rows) in groups)
            {
                rows.Sort(EvidenceRow.Compare);
                long count = 0;
                DateTimeOffset first = DateTimeOffset.MaxValue, last = DateTimeOffset.MinValue;
                var evidence = new List<EvidenceItem>(rows.Count);
                foreach (var (key, aggregate) in rows)
                {
                    count += aggregate.Count;
                    first = aggregate.First < first ? aggregate.First : first;
                    last = aggregate.Last > last ? aggregate.Last : last;
                    evidence.Add(new EvidenceItem(
                        key.Source,
                        key.EventId,
                        aggregate.Count,
                        key.Alert,
                        key.Alert is { } a ? TlsAlerts.Name(a) : null,
                        key.State,
                        key.Alert is { } b ? TlsAlerts.SspiError(b) : null));
                }

                yield return new Detection(server, kind, count, first, last, evidence, DetectionRules.PlanFor(kind));
            }
        }

        private static string CanonicalSource(SignalKind kind, string provider) => kind switch
        {
            SignalKind.ProxyNotAuthenticated => SignalEvent.ImapProtocolLogProvider,
            _ when string.Equals(provider, "MSExchangeIMAP4BE", StringComparison.OrdinalIgnoreCase) => "MSExchangeIMAP4BE",
            _ => "MSExchangeIMAP4",
        };
    }
}
