using System.Globalization;
using System.Net;
using ImapAutomation.LocalParts.Processes;

namespace ImapAutomation.LocalParts.Http;

/// <summary>
/// A plain HTTP/1.1 listener on a free loopback port that hands each request, one at a time, to a handler and closes
/// the response after it. For local stand-ins of web services (a Teams webhook, a scripted API).
/// </summary>
public sealed class LoopbackHttpListener : IAsyncDisposable
{
    private const int BindAttempts = 5;

    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, Task> _handle;
    private readonly Task _loop;

    private LoopbackHttpListener(int port, Func<HttpListenerContext, Task> handle)
    {
        _handle = handle;
        BaseUrl = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        _listener.Prefixes.Add(BaseUrl.AbsoluteUri);
        try
        {
            _listener.Start();
        }
        catch
        {
            _listener.Close();
            throw;
        }

        _loop = Task.Run(ServeAsync);
    }

    /// <summary><c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Starts listening; <paramref name="handle"/> sets the status and writes the body, the listener closes the response.</summary>
    public static LoopbackHttpListener Start(Func<HttpListenerContext, Task> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new LoopbackHttpListener(LoopbackPorts.Next(), handle);
            }
            catch (HttpListenerException) when (attempt < BindAttempts)
            {
                // The free port was taken between the probe and the bind; take another.
            }
        }
    }

    /// <summary>Stops listening and waits for the request in hand; a handler's unexpected exception surfaces here.</summary>
    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        finally
        {
            _listener.Close();
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                await _handle(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException)
            {
                // The client went away.
            }
            finally
            {
                context.Response.Close();
            }
        }
    }
}
