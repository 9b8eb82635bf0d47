using System.Net.Sockets;
using ImapAutomation.LocalParts.Azurite;
using ImapAutomation.LocalParts.Processes;
using ImapAutomation.Testing;

namespace ImapAutomation.LocalParts.Tests.Azurite;

public sealed class AzuriteServerTests
{
    [Fact]
    public async Task StartAsync_GivenFolder_QueueAndTableListenAndDataStays()
    {
        var folder = Path.Combine(Path.GetTempPath(), "imapauto-azurite-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var azurite = await AzuriteServer.StartAsync(AzuriteServer.EntryUnder(RepoPaths.Root), folder, CancellationToken.None))
            {
                using var http = new HttpClient();
                // Unauthenticated, so refused: what matters is that Azurite's queue and table services answer over HTTP.
                var queue = await http.GetAsync(new Uri(azurite.QueueEndpoint, "?comp=list"));
                var table = await http.GetAsync(new Uri(azurite.TableEndpoint + "/Tables"));
                Assert.Equal(System.Net.HttpStatusCode.Forbidden, queue.StatusCode);
                Assert.Equal(System.Net.HttpStatusCode.Forbidden, table.StatusCode);
                Assert.Contains($"QueueEndpoint=http://127.0.0.1:{azurite.QueuePort}/devstoreaccount1;", azurite.ConnectionString, StringComparison.Ordinal);
                Assert.Contains($"TableEndpoint=http://127.0.0.1:{azurite.TablePort}/devstoreaccount1;", azurite.ConnectionString, StringComparison.Ordinal);
            }

            Assert.NotEmpty(Directory.EnumerateFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task DisposeAsync_TemporaryFolder_StopsAzuriteAndDeletesIt()
    {
        var azurite = await AzuriteServer.StartAsync(AzuriteServer.EntryUnder(RepoPaths.Root), dataFolder: null, CancellationToken.None);
        var port = azurite.QueuePort;

        await azurite.DisposeAsync();

        using var client = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(System.Net.IPAddress.Loopback, port));
    }

    [Fact]
    public async Task StartAsync_NotInstalled_SaysWhere()
    {
        var entry = Path.Combine(Path.GetTempPath(), "no-azurite-here", "azurite.js");

        var error = await Assert.ThrowsAsync<LocalPartException>(() => AzuriteServer.StartAsync(entry, null, CancellationToken.None));

        Assert.Equal($"Azurite is not installed ({entry}). Run scripts/bootstrap.sh first.", error.Message);
    }
}
