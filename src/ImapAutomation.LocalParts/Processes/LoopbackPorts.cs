using System.Net;
using System.Net.Sockets;

namespace ImapAutomation.LocalParts.Processes;

/// <summary>Free loopback ports, so parallel runs and a developer's own services never collide.</summary>
public static class LoopbackPorts
{
    /// <summary>A port nothing listens on right now (the kernel's choice); a caller that loses a race for it retries.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
