using System.Net;
using System.Net.Sockets;
using System.Text;
using ImapAutomation.LocalParts.Imap;
using ImapAutomation.LocalParts.Processes;

namespace ImapAutomation.LocalParts.Tests.Imap;

public sealed class ExchangeWithoutCertificateEndpointTests
{
    [Fact]
    public async Task Connect_AnyClient_GetsPlainTextByeThenClose()
    {
        var port = LoopbackPorts.Next();
        await using var endpoint = ExchangeWithoutCertificateEndpoint.Start(port);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        // What a TLS client sends first; the endpoint must answer in plain text regardless.
        await stream.WriteAsync(new byte[] { 0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5 });

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync();

        Assert.Equal(ExchangeWithoutCertificateEndpoint.Bye + "\r\n", answer);
        Assert.Equal(1, endpoint.ConnectionsServed);
    }

    [Fact]
    public async Task DisposeAsync_Stopped_PortRefuses()
    {
        var port = LoopbackPorts.Next();
        var endpoint = ExchangeWithoutCertificateEndpoint.Start(port);

        await endpoint.DisposeAsync();

        using var client = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port));
    }
}
