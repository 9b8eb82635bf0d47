using ImapAutomation.LocalParts.Azurite;
using Xunit;

namespace ImapAutomation.Testing;

/// <summary>
/// A private Azurite (queues and tables) on free loopback ports with its own data folder, started once per test
/// class or collection and stopped at the end. The account and key are Azurite's published development ones.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string AccountName = AzuriteServer.AccountName;
    public const string AccountKey = AzuriteServer.AccountKey;

    private AzuriteServer? _server;

    private AzuriteServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    public int QueuePort => Server.QueuePort;

    public int TablePort => Server.TablePort;

    public Uri QueueEndpoint => Server.QueueEndpoint;

    public Uri TableEndpoint => Server.TableEndpoint;

    public string ConnectionString => Server.ConnectionString;

    public async Task InitializeAsync() =>
        _server = await AzuriteServer.StartAsync(AzuriteServer.EntryUnder(RepoPaths.Root), dataFolder: null, CancellationToken.None).ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
