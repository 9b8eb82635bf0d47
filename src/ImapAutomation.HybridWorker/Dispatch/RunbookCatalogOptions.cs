using System.ComponentModel.DataAnnotations;

namespace ImapAutomation.HybridWorker.Dispatch;

/// <summary>Where the catalog's scripts are and how the target server is passed to them.</summary>
public sealed class RunbookCatalogOptions
{
    public const string Section = "HybridWorker:Catalog";

    /// <summary>The folder holding <c>{RunbookName}.ps1</c> for every name in <see cref="Core.Catalog.RunbookNames"/>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string RunbookRoot { get; set; } = "runbooks";

    /// <summary>The script parameter that receives the request's target server.</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]*$")]
    public string ServerParameterName { get; set; } = "Server";
}
