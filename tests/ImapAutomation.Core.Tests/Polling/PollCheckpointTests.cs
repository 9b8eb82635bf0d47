using ImapAutomation.Core.Polling;

namespace ImapAutomation.Core.Tests.Polling;

public sealed class PollCheckpointTests
{
    private static readonly DateTimeOffset T0 = new(2026, 10, 14, 9, 0, 0, TimeSpan.Zero);
    private readonly EventPollOptions _options = new() { WorkspaceId = Guid.NewGuid().ToString() };

    [Fact]
    public void NextRange_FirstPoll_LooksBackTheInitialLookback()
    {
        var (from, to) = new PollCheckpoint(null).NextRange(T0, _options);

        Assert.Equal(T0 - TimeSpan.FromHours(1), from);
        Assert.Equal(T0, to);
    }

    [Fact]
    public void NextRange_AfterAPoll_StartsOneOverlapBeforeTheWatermark()
    {
        var (from, _) = new PollCheckpoint(T0).NextRange(T0.AddMinutes(5), _options);

        Assert.Equal(T0 - TimeSpan.FromMinutes(10), from);
    }

    [Fact]
    public void Advance_SameBucketsAgain_EmitsNothing()
    {
        var checkpoint = new PollCheckpoint(null);
        var buckets = new[] { Bucket(T0, 4812, "51"), Bucket(T0, 3, "40") };

        var first = checkpoint.Advance(buckets, T0.AddMinutes(5), _options);
        var second = checkpoint.Advance(buckets, T0.AddMinutes(10), _options);

        Assert.Equal(4815, first.Sum(e => e.Count));
        Assert.Empty(second);
        Assert.Equal(T0.AddMinutes(10), checkpoint.Watermark);
    }

    [Fact]
    public void Advance_LateEventsInAKnownBucket_EmitsOnlyTheDifferenceDatedAtItsLatestEvent()
    {
        var checkpoint = new PollCheckpoint(null);
        checkpoint.Advance([Bucket(T0, 100, "51")], T0.AddMinutes(5), _options);

        var late = Assert.Single(checkpoint.Advance([Bucket(T0, 130, "51", last: T0.AddMinutes(4))], T0.AddMinutes(10), _options));

        Assert.Equal(30, late.Count);
        Assert.Equal(T0.AddMinutes(4), late.Time);
        Assert.Equal("51", late.NamedData["AlertDesc"]);
        Assert.Equal("ex01.contoso.com", late.Server);
    }

    [Fact]
    public void Advance_BucketsBehindTheNextOverlap_AreForgotten()
    {
        var checkpoint = new PollCheckpoint(null);
        checkpoint.Advance([Bucket(T0, 1, "51"), Bucket(T0.AddMinutes(30), 1, "51")], T0.AddMinutes(35), _options);

        Assert.Single(checkpoint.Seen);
    }

    [Fact]
    public void Options_SourceThatWouldBreakOutOfTheQuery_IsInvalid()
    {
        var options = new EventPollOptions { WorkspaceId = Guid.NewGuid().ToString() };
        options.Signals.Add(new PolledSignal { Source = "Schannel\") or 1==1 //", EventIds = [1] });

        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        var valid = System.ComponentModel.DataAnnotations.Validator.TryValidateObject(
            options, new System.ComponentModel.DataAnnotations.ValidationContext(options), results, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains(results, r => r.ErrorMessage!.StartsWith("Signals[3]: Source must be a provider name", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_DefaultOptions_AggregatesTheConfiguredSignalsServerSide()
    {
        var query = EventPollQuery.Build(T0, T0.AddMinutes(5), _options);

        Assert.StartsWith("Event\n| where TimeGenerated >= datetime(2026-10-14T09:00:00.0000000Z) and TimeGenerated < datetime(2026-10-14T09:05:00.0000000Z)", query.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("(Source =~ \"Schannel\" and EventID in (36888))", query, StringComparison.Ordinal);
        Assert.Contains("(Source =~ \"MSExchangeIMAP4BE\" and EventID in (1102, 2007, 1009, 1101, 1103))", query, StringComparison.Ordinal);
        Assert.Contains("summarize Count = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by Bucket = bin(TimeGenerated, 300s)", query, StringComparison.Ordinal);
    }

    private static PollBucket Bucket(DateTimeOffset bucket, long count, string alert, DateTimeOffset? last = null) =>
        new(bucket, "ex01.contoso.com", "Schannel", 36888, alert, "900", count, bucket.AddSeconds(14), last ?? bucket.AddMinutes(3));
}
