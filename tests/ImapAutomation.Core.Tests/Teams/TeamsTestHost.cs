using ImapAutomation.Core.Teams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;

namespace ImapAutomation.Core.Tests.Teams;

/// <summary>The production registration (AddTeamsNotifier) with configuration pointing at a loopback server, and a log collector.</summary>
internal sealed class TeamsTestHost : IDisposable
{
    private readonly ServiceProvider _provider;

    public TeamsTestHost(IDictionary<string, string?> settings, bool withGraph = false)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddTeamsNotifier(configuration, withGraph ? new TeamsGraphAuthentication(new FixedToken("delegated-token"), new FixedToken("app-token")) : null);
        _provider = services.BuildServiceProvider();
    }

    public FakeLogCollectorProvider Logs { get; } = new();

    public ITeamsNotifier Notifier => _provider.GetRequiredService<ITeamsNotifier>();

    public IApproverDirectory Approvers => _provider.GetRequiredService<IApproverDirectory>();

    public IEnumerable<string> LogLines => Logs.Collector.GetSnapshot().Select(r => r.Message + " " + r.Exception);

    public void Dispose() => _provider.Dispose();

    /// <summary>Stands in for Azure Identity: a bearer token the fake Graph can check.</summary>
    private sealed class FixedToken(string token) : IAuthenticationProvider
    {
        public Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
        {
            request.Headers.Add("Authorization", "Bearer " + token);
            return Task.CompletedTask;
        }
    }
}

/// <summary>Collects log records through a provider, so every category the registration creates is seen.</summary>
internal sealed class FakeLogCollectorProvider : ILoggerProvider
{
    public FakeLogCollector Collector { get; } = new();

    public ILogger CreateLogger(string categoryName) => new FakeLogger(Collector, categoryName);

    public void Dispose()
    {
    }
}
