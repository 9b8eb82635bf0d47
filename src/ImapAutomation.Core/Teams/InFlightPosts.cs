using System.Collections.Concurrent;

namespace ImapAutomation.Core.Teams;

/// <summary>Two concurrent posts of the same incident state in one process share one request.</summary>
/// <remarks>Across processes the incident's recorded keys decide; this closes the window inside one host.</remarks>
internal sealed class InFlightPosts
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TeamsPostResult>>> _posts = new(StringComparer.Ordinal);

    public async Task<TeamsPostResult> RunAsync(
        TeamsNotification notification,
        IReadOnlyDictionary<string, string> postedMessages,
        Func<Task<TeamsPostResult>> post,
        Action<string> skipped)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(postedMessages);
        ArgumentException.ThrowIfNullOrWhiteSpace(notification.IncidentId, nameof(notification));
        ArgumentException.ThrowIfNullOrWhiteSpace(notification.State, nameof(notification));
        ArgumentNullException.ThrowIfNull(notification.Card, nameof(notification));

        var key = notification.IdempotencyKey;
        if (postedMessages.TryGetValue(key, out var messageId))
        {
            skipped(key);
            return new TeamsPostResult(key, messageId.Length == 0 ? null : messageId, null, AlreadyPosted: true);
        }

        var lazy = _posts.GetOrAdd(key, _ => new Lazy<Task<TeamsPostResult>>(post));
        try
        {
            return await lazy.Value.ConfigureAwait(false);
        }
        finally
        {
            _posts.TryRemove(new KeyValuePair<string, Lazy<Task<TeamsPostResult>>>(key, lazy));
        }
    }
}
