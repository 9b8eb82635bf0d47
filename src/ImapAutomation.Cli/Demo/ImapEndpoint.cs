using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ImapAutomation.Cli.Demo;

/// <summary>
/// The IMAPS endpoint of the lab's broken server, on one loopback port for the whole run. While the lab says no
/// certificate is bound to IMAP it answers as Exchange does then (a plain-text <c>* BYE Connection is closed. 14</c>
/// instead of a ServerHello, the documented wire behaviour); once one is bound, a real Dovecot presents a certificate
/// from the demo's own CA, so the Test-ImapTls probe fails before the fix and passes after it.
/// </summary>
internal sealed class ImapEndpoint : IAsyncDisposable
{
    public const string Bye = "* BYE Connection is closed. 14";

    private readonly string _folder;
    private readonly SemaphoreSlim _switch = new(1, 1);
    private ChildProcess? _dovecot;
    private ByeListener? _bye;

    private ImapEndpoint(string folder)
    {
        _folder = folder;
        Port = LoopbackPorts.Next();
        ImapPort = LoopbackPorts.Next();
        CaCertificatePath = Path.Combine(folder, "demo-ca.pem");
    }

    public int Port { get; }

    /// <summary>Dovecot's plain IMAP listener, used only to tell that it is up.</summary>
    public int ImapPort { get; }

    /// <summary>The demo CA (PEM) that the worker's probe pins.</summary>
    public string CaCertificatePath { get; }

    /// <summary>The host name the probe connects to and the certificate names.</summary>
    public static string HostName => "localhost";

    public bool CertificateBound { get; private set; }

    public int? DovecotProcessId => _dovecot?.Id;

    public static ImapEndpoint Create(string dataFolder)
    {
        var folder = Directory.CreateDirectory(Path.Combine(dataFolder, "imaps")).FullName;
        if (!OperatingSystem.IsWindows())
        {
            // Dovecot's unprivileged login processes must reach the sockets under its base_dir.
            File.SetUnixFileMode(folder, (UnixFileMode)Convert.ToInt32("755", 8));
        }

        var endpoint = new ImapEndpoint(folder);
        endpoint.WriteCertificates();
        return endpoint;
    }

    /// <summary>Makes the endpoint match the lab: Dovecot with a certificate when one is bound, the BYE answer otherwise.</summary>
    public async Task UseAsync(bool certificateBound, CancellationToken cancellationToken)
    {
        await _switch.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (certificateBound == CertificateBound && (_dovecot is not null || _bye is not null))
            {
                return;
            }

            await StopAsync().ConfigureAwait(false);
            if (certificateBound)
            {
                await StartDovecotAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                _bye = ByeListener.Start(Port);
            }

            CertificateBound = certificateBound;
        }
        finally
        {
            _switch.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _switch.Dispose();
    }

    private async Task StartDovecotAsync(CancellationToken cancellationToken)
    {
        const string dovecot = "/usr/sbin/dovecot";
        if (!OperatingSystem.IsWindows() && !File.Exists(dovecot))
        {
            throw new DemoException("Dovecot is not installed (/usr/sbin/dovecot). Run scripts/bootstrap.sh first.");
        }

        var config = Path.Combine(_folder, "dovecot.conf");
        await File.WriteAllTextAsync(config, DovecotConfig(), cancellationToken).ConfigureAwait(false);
        _dovecot = ChildProcess.Start("Dovecot", "dovecot", ["-F", "-c", config]);
        await _dovecot.WaitForPortAsync(ImapPort, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        await _dovecot.WaitForPortAsync(Port, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
    }

    private async Task StopAsync()
    {
        if (_dovecot is not null)
        {
            await _dovecot.DisposeAsync().ConfigureAwait(false);
            _dovecot = null;
        }

        if (_bye is not null)
        {
            await _bye.DisposeAsync().ConfigureAwait(false);
            _bye = null;
        }
    }

    private string DovecotConfig()
    {
        string Dir(string name) => Directory.CreateDirectory(Path.Combine(_folder, name)).FullName;
        return string.Create(CultureInfo.InvariantCulture, $$"""
            # Written by imapauto demo: the IMAPS endpoint of the lab's server once a certificate is bound.
            base_dir = {{Dir("run")}}
            state_dir = {{Dir("state")}}
            protocols = imap
            listen = 127.0.0.1
            ssl = yes
            ssl_cert = <{{Path.Combine(_folder, "server.crt.pem")}}
            ssl_key = <{{Path.Combine(_folder, "server.key.pem")}}
            default_login_user = dovenull
            default_internal_user = dovecot
            log_path = /dev/stderr
            auth_mechanisms = plain
            disable_plaintext_auth = yes
            mail_location = maildir:{{Dir("mail")}}/%u
            passdb {
              driver = static
              args = user=voicemail password=demo-only-{{Guid.NewGuid():N}}
            }
            userdb {
              driver = static
              args = uid=dovecot gid=dovecot home={{Dir("mail")}}/%u
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{ImapPort}}
              }
              inet_listener imaps {
                address = 127.0.0.1
                port = {{Port}}
                ssl = yes
              }
            }

            """);
    }

    /// <summary>A throw-away CA and one server certificate for localhost (and the lab's FQDN), written as PEM.</summary>
    private void WriteCertificates()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=imapauto demo CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(2));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + HostName, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(HostName);
        names.AddDnsName(DemoScenario.BrokenServer);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.Create(ca, now.AddDays(-1), now.AddDays(365), RandomNumberGenerator.GetBytes(16));

        File.WriteAllText(CaCertificatePath, ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_folder, "server.crt.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_folder, "server.key.pem"), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Exchange's IMAP4 SSL port with no certificate bound: TCP is accepted and answered in plain text.</summary>
    private sealed class ByeListener : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        private ByeListener(int port)
        {
            _listener = new TcpListener(IPAddress.Loopback, port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            _loop = AcceptAsync();
        }

        public static ByeListener Start(int port) => new(port);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            _listener.Stop();
            await _loop.ConfigureAwait(false);
            _listener.Dispose();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (true)
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

                _ = AnswerAsync(client);
            }
        }

        private async Task AnswerAsync(Socket client)
        {
            using (client)
            {
                try
                {
                    await client.SendAsync(Encoding.ASCII.GetBytes(Bye + "\r\n"), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                    client.Shutdown(SocketShutdown.Send);
                    // Drain the ClientHello before closing so the close is a FIN: a reset could drop the BYE unread.
                    using var drain = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    drain.CancelAfter(TimeSpan.FromSeconds(2));
                    var buffer = new byte[4096];
                    while (await client.ReceiveAsync(buffer, SocketFlags.None, drain.Token).ConfigureAwait(false) > 0)
                    {
                    }
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    // The client left first.
                }
            }
        }
    }
}
