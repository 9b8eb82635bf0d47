using Xunit;

namespace ImapAutomation.Testing.Dovecot;

/// <summary>A <see cref="DovecotServer"/> with a valid certificate for one test class; tests may switch its mode.</summary>
public sealed class DovecotFixture : IAsyncLifetime
{
    private DovecotServer? _server;

    public DovecotServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync() => _server = await DovecotServer.StartAsync().ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
