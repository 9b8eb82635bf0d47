using System.Net;
using System.Net.Sockets;

namespace ImapAutomation.Testing;

/// <summary>Free loopback ports, so parallel test runs and a developer's own services never collide.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitUntilListeningAsync(int port, TimeSpan timeout, Func<string> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cts.Token).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                try
                {
                    await Task.Delay(100, cts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"Nothing listened on 127.0.0.1:{port} within {timeout}. {diagnostics()}");
                }
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Nothing listened on 127.0.0.1:{port} within {timeout}. {diagnostics()}");
            }
        }
    }
}
