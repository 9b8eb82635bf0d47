using System.ComponentModel.DataAnnotations;

namespace ImapAutomation.Core.Detection;

/// <summary>How events are grouped into incidents.</summary>
public sealed class DetectionOptions
{
    /// <summary>
    /// Length of the correlation window. Windows are aligned to the Unix epoch (tumbling), so the grouping does not
    /// depend on the order events arrive in, and batches can be fed in any order.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(30);
}
