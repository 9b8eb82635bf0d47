using System.Globalization;
using ImapAutomation.LocalParts.Processes;

namespace ImapAutomation.LocalParts.Azurite;

/// <summary>
/// A private Azurite (queues and tables; blobs unused) on free loopback ports with its own data folder: the one place that knows
/// its command line. The account and key are Azurite's published development ones, valid against this loopback
/// emulator only.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const int BindAttempts = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ChildProcess _process;
    private readonly string? _ownedFolder;
    private readonly (int Queue, int Table) _ports;

    private AzuriteServer(ChildProcess process, string? ownedFolder, (int Queue, int Table) ports)
    {
        _process = process;
        _ownedFolder = ownedFolder;
        _ports = ports;
    }

    /// <summary>Where the queue service listens on 127.0.0.1.</summary>
    public int QueuePort => _ports.Queue;

    /// <summary>Where the table service listens on 127.0.0.1.</summary>
    public int TablePort => _ports.Table;

    public Uri QueueEndpoint => Endpoint(QueuePort);

    public Uri TableEndpoint => Endpoint(TablePort);

    /// <summary>A storage connection string for the queue and table services.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    public int ProcessId => _process.Id;

    /// <summary>Azurite's output so far, for assertion and error messages.</summary>
    public string Output => _process.Output;

    /// <summary>Where scripts/bootstrap.sh installs Azurite's entry script under a repository.</summary>
    public static string EntryUnder(string repositoryRoot) =>
        Path.Combine(repositoryRoot, "tools", "node", "node_modules", "azurite", "dist", "src", "azurite.js");

    /// <summary>Azurite's entry script under a repository above the working folder or the program's folder, or null.</summary>
    public static string? FindEntry()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var entry = EntryUnder(folder.FullName);
                if (File.Exists(entry))
                {
                    return entry;
                }
            }
        }

        return null;
    }

    /// <summary>Starts Azurite and waits until its queue and table services listen.</summary>
    /// <param name="entry">Azurite's entry script (<see cref="EntryUnder"/>).</param>
    /// <param name="dataFolder">Where Azurite keeps its data, left in place; null for a temporary folder deleted on dispose.</param>
    /// <param name="cancellationToken">Stops the wait (and Azurite with it).</param>
    /// <exception cref="LocalPartException">Azurite is not installed, did not start, or did not listen in time.</exception>
    public static async Task<AzuriteServer> StartAsync(string entry, string? dataFolder, CancellationToken cancellationToken)
    {
        if (!File.Exists(entry))
        {
            throw new LocalPartException($"Azurite is not installed ({entry}). Run scripts/bootstrap.sh first.");
        }

        var ownedFolder = dataFolder is null ? Directory.CreateTempSubdirectory("imapauto-azurite-").FullName : null;
        var folder = Directory.CreateDirectory(dataFolder ?? ownedFolder!).FullName;
        for (var attempt = 1; ; attempt++)
        {
            var queuePort = LoopbackPorts.Next();
            var tablePort = LoopbackPorts.Next();
            ChildProcess process;
            try
            {
                process = ChildProcess.Start("Azurite", "node", Arguments(entry, folder, queuePort, tablePort));
            }
            catch
            {
                DeleteFolder(ownedFolder);
                throw;
            }

            try
            {
                await process.WaitForPortAsync(queuePort, StartTimeout, cancellationToken).ConfigureAwait(false);
                await process.WaitForPortAsync(tablePort, StartTimeout, cancellationToken).ConfigureAwait(false);
                return new AzuriteServer(process, ownedFolder, (queuePort, tablePort));
            }
            catch (LocalPartException) when (attempt < BindAttempts && process.HasExited && process.Output.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                // A free port was taken between the probe and Azurite's bind (a busy machine); take others.
                await process.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await process.DisposeAsync().ConfigureAwait(false);
                DeleteFolder(ownedFolder);
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        DeleteFolder(_ownedFolder);
    }

    private static string[] Arguments(string entry, string folder, int queuePort, int tablePort)
    {
        static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

        // Azurite starts all three services: blobs (unused) on a port the system picks, so no default port of another run is taken.
        return
        [
            entry, "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl", "--loose", "--location", folder,
            "--blobHost", "127.0.0.1", "--blobPort", "0",
            "--queueHost", "127.0.0.1", "--queuePort", Port(queuePort),
            "--tableHost", "127.0.0.1", "--tablePort", Port(tablePort),
        ];
    }

    private static Uri Endpoint(int port) => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/{AccountName}"));

    private static void DeleteFolder(string? folder)
    {
        if (folder is null)
        {
            return;
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
