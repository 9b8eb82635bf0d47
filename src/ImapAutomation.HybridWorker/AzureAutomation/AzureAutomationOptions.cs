using System.ComponentModel.DataAnnotations;

namespace ImapAutomation.HybridWorker.AzureAutomation;

/// <summary>The Automation account whose Hybrid Runbook Worker group runs the catalog, for shops that already have one.</summary>
public sealed class AzureAutomationOptions : IValidatableObject
{
    public const string Section = "HybridWorker:AzureAutomation";

    [Required(AllowEmptyStrings = false)]
    public string SubscriptionId { get; set; } = "";

    [Required(AllowEmptyStrings = false)]
    public string ResourceGroup { get; set; } = "";

    [Required(AllowEmptyStrings = false)]
    public string AccountName { get; set; } = "";

    /// <summary>The Hybrid Runbook Worker group (<c>runOn</c>); jobs never run in Azure's own sandboxes.</summary>
    [Required(AllowEmptyStrings = false)]
    public string HybridWorkerGroup { get; set; } = "";

    /// <summary>Azure Resource Manager; another cloud's or a test server's address in their cases.</summary>
    public Uri Endpoint { get; set; } = new("https://management.azure.com/");

    [Required(AllowEmptyStrings = false)]
    public string ApiVersion { get; set; } = "2023-11-01";

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a job may run when the request names no timeout; then it is stopped.</summary>
    public TimeSpan DefaultJobTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Stream records read per job (pages are followed up to this many).</summary>
    [Range(1, 10000)]
    public int MaxStreamRecords { get; set; } = 500;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Endpoint.IsAbsoluteUri)
        {
            yield return new ValidationResult("Endpoint must be an absolute URI.", [nameof(Endpoint)]);
        }

        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult("PollInterval must be above zero and at most 5 minutes.", [nameof(PollInterval)]);
        }

        if (DefaultJobTimeout <= TimeSpan.Zero || DefaultJobTimeout > TimeSpan.FromHours(6))
        {
            yield return new ValidationResult("DefaultJobTimeout must be above zero and at most 6 hours.", [nameof(DefaultJobTimeout)]);
        }
    }
}
