using System.Globalization;

namespace ImapAutomation.Cli.Demo;

/// <summary>
/// Azurite (queues and tables) on free loopback ports with its data under the demo's folder. The account and key are
/// Azurite's published development ones, valid against this loopback emulator only.
/// </summary>
internal sealed class LocalStorage : IAsyncDisposable
{
    private const string Account = "devstoreaccount1";
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly ChildProcess _azurite;

    private LocalStorage(ChildProcess azurite, int queuePort, int tablePort)
    {
        _azurite = azurite;
        ConnectionString = string.Create(CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={DevelopmentKey};QueueEndpoint=http://127.0.0.1:{queuePort}/{Account};TableEndpoint=http://127.0.0.1:{tablePort}/{Account};");
    }

    public string ConnectionString { get; }

    public int ProcessId => _azurite.Id;

    public static async Task<LocalStorage> StartAsync(DemoPaths paths, string dataFolder, CancellationToken cancellationToken)
    {
        if (!File.Exists(paths.Azurite))
        {
            throw new DemoException($"Azurite is not installed ({paths.Azurite}). Run scripts/bootstrap.sh first.");
        }

        var folder = Directory.CreateDirectory(Path.Combine(dataFolder, "azurite")).FullName;
        var queuePort = LoopbackPorts.Next();
        var tablePort = LoopbackPorts.Next();
        var blobPort = LoopbackPorts.Next();
        string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
        var azurite = ChildProcess.Start("Azurite", "node",
        [
            paths.Azurite, "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl", "--loose", "--location", folder,
            "--blobHost", "127.0.0.1", "--blobPort", Port(blobPort),
            "--queueHost", "127.0.0.1", "--queuePort", Port(queuePort),
            "--tableHost", "127.0.0.1", "--tablePort", Port(tablePort),
        ]);
        var storage = new LocalStorage(azurite, queuePort, tablePort);
        try
        {
            await azurite.WaitForPortAsync(queuePort, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            await azurite.WaitForPortAsync(tablePort, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            return storage;
        }
        catch
        {
            await storage.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _azurite.DisposeAsync();
}
