using System.Net;
using System.Net.Sockets;

namespace ImapAutomation.Testing.Dovecot;

/// <summary>Accepts TCP connections and never says a word: a hung server, for timeout tests.</summary>
public sealed class SilentEndpoint : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public SilentEndpoint() => _listener.Start();

    /// <summary>The kernel completes the connection from the backlog, so nothing ever needs to accept it.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Dispose() => _listener.Dispose();
}
