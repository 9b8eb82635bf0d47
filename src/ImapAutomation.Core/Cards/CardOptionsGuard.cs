using Microsoft.Extensions.Options;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;

namespace ImapAutomation.Core.Cards;

/// <summary>Builders refuse to start with options that would let a card link anywhere or overflow Teams.</summary>
internal static class CardOptionsGuard
{
    // Validation reads CardOptions's properties and their attributes by reflection: kept whole in a trimmed (native) build.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(CardOptions))]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "CardOptions is sealed and its properties are kept by the DynamicDependency above.")]
    public static CardOptions Validated(IOptions<CardOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true))
        {
            throw new OptionsValidationException(
                CardOptions.SectionName, typeof(CardOptions), [.. results.Select(r => $"{CardOptions.SectionName}: {r.ErrorMessage}")]);
        }

        return value;
    }
}
