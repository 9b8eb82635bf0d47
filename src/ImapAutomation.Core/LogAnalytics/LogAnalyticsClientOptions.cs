using System.ComponentModel.DataAnnotations;
using Azure.Core;

namespace ImapAutomation.Core.LogAnalytics;

/// <summary>Options of <see cref="LogAnalyticsClient"/>; retries (429, 5xx, Retry-After) come from <see cref="ClientOptions.Retry"/>.</summary>
public sealed class LogAnalyticsClientOptions : ClientOptions
{
    /// <summary>The query API's endpoint; sovereign clouds have their own.</summary>
    [Required]
    public Uri Endpoint { get; set; } = new("https://api.loganalytics.io");

    /// <summary>The token scope of the query API.</summary>
    [Required]
    public string Scope { get; set; } = "https://api.loganalytics.io/.default";

    /// <summary>How long the service may run one query (sent as <c>Prefer: wait=N</c>; the service allows up to 10 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ServerTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Largest response body accepted; a storm must not be able to exhaust the Functions worker's memory.</summary>
    [Range(1024, 512L * 1024 * 1024)]
    public long MaxResponseBytes { get; set; } = 64L * 1024 * 1024;
}
