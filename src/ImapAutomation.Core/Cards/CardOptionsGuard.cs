using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Core.Cards;

/// <summary>Builders refuse to start with options that would let a card link anywhere or overflow Teams.</summary>
internal static class CardOptionsGuard
{
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
