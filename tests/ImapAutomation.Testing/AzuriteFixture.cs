using Xunit;

namespace ImapAutomation.Testing;

/// <summary>
/// A private Azurite (queues and tables) on free loopback ports with its own data folder, started once per test
/// class or collection and stopped at the end. The account and key are Azurite's published development ones.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "imapauto-azurite-" + Guid.NewGuid().ToString("N"));
    private ExternalProcess? _process;

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    public Uri QueueEndpoint => new($"http://127.0.0.1:{QueuePort}/{AccountName}");

    public Uri TableEndpoint => new($"http://127.0.0.1:{TablePort}/{AccountName}");

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    public async Task InitializeAsync()
    {
        var entry = Path.Combine(RepoPaths.NodeModules, "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(entry))
        {
            throw new InvalidOperationException($"Azurite is not installed at {entry}. Run scripts/bootstrap.sh first.");
        }

        Directory.CreateDirectory(_dataFolder);
        QueuePort = FreePort.Next();
        TablePort = FreePort.Next();
        _process = ExternalProcess.Start("node",
        [
            entry, "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl", "--loose",
            "--location", _dataFolder,
            "--blobHost", "127.0.0.1", "--blobPort", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ]);
        var timeout = TimeSpan.FromSeconds(60);
        await FreePort.WaitUntilListeningAsync(QueuePort, timeout, () => _process.Output).ConfigureAwait(false);
        await FreePort.WaitUntilListeningAsync(TablePort, timeout, () => _process.Output).ConfigureAwait(false);
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
