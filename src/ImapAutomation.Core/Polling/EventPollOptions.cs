using System.ComponentModel.DataAnnotations;

namespace ImapAutomation.Core.Polling;

/// <summary>What <c>PollEventLog</c> asks the Log Analytics <c>Event</c> table, and how far back it looks again.</summary>
public sealed class EventPollOptions : IValidatableObject
{
    /// <summary>Shares the section of the workspace id infra/ writes (<c>LogAnalytics__WorkspaceId</c>).</summary>
    public const string SectionName = "LogAnalytics";

    /// <summary>The Log Analytics workspace (its customer id, a GUID) holding the Exchange servers' events.</summary>
    [Required]
    [RegularExpression("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    public string WorkspaceId { get; set; } = "";

    /// <summary>
    /// Each poll reads again this far behind the last watermark, because events reach the workspace 20 s to 3 min
    /// after they happen; bucket counts already ingested are subtracted, so nothing is counted twice.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan Overlap { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The server-side aggregation grain; the correlation window should be a multiple of it.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "00:30:00")]
    public TimeSpan BucketSize { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How far back the very first poll looks.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan InitialLookback { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The event sources and IDs to read (the Data Collection Rule collects the same ones).</summary>
    [MinLength(1)]
    public List<PolledSignal> Signals { get; set; } =
    [
        new() { Source = "Schannel", EventIds = [36888] },
        new() { Source = "MSExchangeIMAP4", EventIds = [1102, 2007, 1009, 1101, 1103] },
        new() { Source = "MSExchangeIMAP4BE", EventIds = [1102, 2007, 1009, 1101, 1103] },
    ];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Signals.Count; i++)
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(Signals[i], new ValidationContext(Signals[i]), results, validateAllProperties: true))
            {
                foreach (var result in results)
                {
                    yield return new ValidationResult($"Signals[{i}]: {result.ErrorMessage}", [nameof(Signals)]);
                }
            }
        }

        if (Overlap < BucketSize)
        {
            yield return new ValidationResult("Overlap must be at least one BucketSize.", [nameof(Overlap), nameof(BucketSize)]);
        }
    }
}

/// <summary>One event source and its IDs. The names go into KQL, so they are restricted to what providers are named.</summary>
public sealed class PolledSignal
{
    [Required]
    [RegularExpression(@"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,127}$", ErrorMessage = "Source must be a provider name (letters, digits, space, dot, underscore, hyphen).")]
    public string Source { get; set; } = "";

    [MinLength(1)]
    public List<int> EventIds { get; set; } = [];
}
