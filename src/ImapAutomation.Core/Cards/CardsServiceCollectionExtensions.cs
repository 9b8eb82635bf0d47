using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImapAutomation.Core.Cards;

public static class CardsServiceCollectionExtensions
{
    /// <summary>Registers the four card builders with <see cref="CardOptions"/> from section <c>Cards</c>, validated on start.</summary>
    public static IServiceCollection AddCardBuilders(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CardOptions>().Bind(configuration.GetSection(CardOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IncidentCardBuilder>();
        services.AddSingleton<ResultCardBuilder>();
        services.AddSingleton<EscalationCardBuilder>();
        services.AddSingleton<ProgressCardBuilder>();
        return services;
    }
}
