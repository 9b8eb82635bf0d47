using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ImapAutomation.Functions;

/// <summary>All of the Functions app's wiring, in one place.</summary>
public static class FunctionsExtensions
{
    public static FunctionsApplicationBuilder AddImapAutomation(this FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
