using ImapAutomation.Core.Approvals;
using ImapAutomation.Core.Incidents;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Core.Announcements;

public static class AnnouncerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Teams announcer the incident engine posts its notifications through. Needs
    /// <c>AddTeamsNotifier</c>, <c>AddCardBuilders</c> and the signing key ring (<c>AddIncidentEngine</c>);
    /// <see cref="AnnouncerOptions"/> come from <paramref name="sectionName"/>, validated on start.
    /// </summary>
    public static IServiceCollection AddTeamsAnnouncer(this IServiceCollection services, IConfiguration configuration, string sectionName = AnnouncerOptions.SectionName)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AnnouncerOptions>().Bind(configuration.GetSection(sectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AnnouncerOptions>, AnnouncerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ApprovalTokens>();
        services.TryAddSingleton<IncidentCardMapper>();
        services.TryAddSingleton<IIncidentAnnouncer, TeamsAnnouncer>();
        return services;
    }
}
