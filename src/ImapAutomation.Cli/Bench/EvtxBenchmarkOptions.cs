using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ImapAutomation.Cli.Bench;

internal sealed class EvtxBenchmarkOptions
{
    public string? Corpus { get; set; }

    [Range(1, 4096)]
    public int LargeMegabytes { get; set; } = 128;

    [Range(1, 20)]
    public int Runs { get; set; } = 3;

    public string? WriteTo { get; set; }

    public string Evtxexport { get; set; } = "/usr/bin/evtxexport";

    // Validation reads EvtxBenchmarkOptions's properties and their attributes by reflection: kept whole in a trimmed (native) build.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(EvtxBenchmarkOptions))]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "EvtxBenchmarkOptions is sealed and its properties are kept by the DynamicDependency above.")]
    public static EvtxBenchmarkOptions? Parse(string[] args, out string error)
    {
        var options = new EvtxBenchmarkOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--corpus" when value is not null:
                    options.Corpus = value;
                    i++;
                    break;
                case "--large-mb" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var mb):
                    options.LargeMegabytes = mb;
                    i++;
                    break;
                case "--runs" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var runs):
                    options.Runs = runs;
                    i++;
                    break;
                case "--write" when value is not null:
                    options.WriteTo = value;
                    i++;
                    break;
                default:
                    error = $"unknown or incomplete option '{args[i]}'";
                    return null;
            }
        }

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            error = string.Join("; ", results.Select(r => r.ErrorMessage));
            return null;
        }

        error = string.Empty;
        return options;
    }
}
