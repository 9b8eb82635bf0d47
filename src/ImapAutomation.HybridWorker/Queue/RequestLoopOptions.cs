using System.ComponentModel.DataAnnotations;
using ImapAutomation.Core.Catalog;

namespace ImapAutomation.HybridWorker.Queue;

/// <summary>The queue loop's settings (section <c>HybridWorker:Queue</c>).</summary>
public sealed class RequestLoopOptions : IValidatableObject
{
    public const string Section = "HybridWorker:Queue";

    /// <summary>The account's queue endpoint (<c>https://acct.queue.core.windows.net</c>), reached with DefaultAzureCredential.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>Development only (Azurite on loopback): a connection string instead of <see cref="ServiceUri"/>.</summary>
    public string? ConnectionString { get; set; }

    [Required(AllowEmptyStrings = false)]
    public string RequestsQueue { get; set; } = StorageNames.RequestsQueue;

    [Required(AllowEmptyStrings = false)]
    public string ResultsQueue { get; set; } = StorageNames.ResultsQueue;

    [Required(AllowEmptyStrings = false)]
    public string PoisonQueue { get; set; } = StorageNames.RequestsPoisonQueue;

    /// <summary>The servers this worker may change, whatever a validly signed request says (names or FQDNs, case-insensitive).</summary>
    public IList<string> AllowedServers { get; init; } = [];

    /// <summary>Messages taken per receive (1-32); also the most messages this worker holds at once.</summary>
    [Range(1, 32)]
    public int BatchSize { get; set; } = 8;

    /// <summary>Wait between receives when the queue was empty.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a received message stays invisible; renewed every <see cref="RenewInterval"/> while its runbook runs.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "02:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An unreadable message is moved to <see cref="PoisonQueue"/> on this delivery (the Functions host's default is 5).</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ServiceUri is null == string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult("Set exactly one of ServiceUri (production, DefaultAzureCredential) and ConnectionString (Azurite).",
                [nameof(ServiceUri), nameof(ConnectionString)]);
        }

        if (AllowedServers.Count == 0)
        {
            yield return new ValidationResult("AllowedServers is empty: name the servers this worker may run runbooks against.", [nameof(AllowedServers)]);
        }

        foreach (var server in AllowedServers.Where(s => !Core.Contracts.ParameterValidator.IsHostName(s)))
        {
            yield return new ValidationResult($"AllowedServers entry '{server}' is not a DNS host name.", [nameof(AllowedServers)]);
        }

        if (RenewInterval >= VisibilityTimeout)
        {
            yield return new ValidationResult("RenewInterval must be shorter than VisibilityTimeout, or a running message reappears.", [nameof(RenewInterval)]);
        }
    }
}
