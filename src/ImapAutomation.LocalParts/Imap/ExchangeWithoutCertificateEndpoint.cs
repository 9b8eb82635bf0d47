using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ImapAutomation.LocalParts.Imap;

/// <summary>
/// Exchange's IMAP4 service on its SSL port when no certificate is bound (event 1102): it accepts TCP and answers
/// with a plain-text <c>* BYE Connection is closed. 14</c> instead of a TLS ServerHello. Exchange cannot run here,
/// so this tiny listener reproduces just that documented wire behaviour.
/// </summary>
public sealed class ExchangeWithoutCertificateEndpoint : IAsyncDisposable
{
    public const string Bye = "* BYE Connection is closed. 14";

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private ExchangeWithoutCertificateEndpoint(int port)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _loop = AcceptLoopAsync();
    }

    public int ConnectionsServed { get; private set; }

    public static ExchangeWithoutCertificateEndpoint Start(int port) => new(port);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            ConnectionsServed++;
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            try
            {
                await client.SendAsync(Encoding.ASCII.GetBytes(Bye + "\r\n"), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Send);
                // Read what the client sent (its ClientHello) before closing, so the close is a FIN and not a reset
                // that could discard the BYE before the client reads it.
                using var drain = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                drain.CancelAfter(TimeSpan.FromSeconds(2));
                var buffer = new byte[4096];
                while (await client.ReceiveAsync(buffer, SocketFlags.None, drain.Token).ConfigureAwait(false) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client went away first: fine.
            }
        }
    }
}
