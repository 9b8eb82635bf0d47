using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImapAutomation.LocalParts.Imap;
using ImapAutomation.LocalParts.Processes;

namespace ImapAutomation.Cli.Demo;

/// <summary>
/// The IMAPS endpoint of the lab's broken server, on one loopback port for the whole run. While the lab says no
/// certificate is bound to IMAP it answers as Exchange does then (a plain-text <c>* BYE Connection is closed. 14</c>
/// instead of a ServerHello, the documented wire behaviour); once one is bound, a real Dovecot presents a certificate
/// from the demo's own CA, so the Test-ImapTls probe fails before the fix and passes after it.
/// </summary>
internal sealed class ImapEndpoint : IAsyncDisposable
{
    private readonly string _folder;
    private readonly SemaphoreSlim _switch = new(1, 1);
    private DovecotProcess? _dovecot;
    private ExchangeWithoutCertificateEndpoint? _bye;

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

    public int? DovecotProcessId => _dovecot?.ProcessId;

    public static ImapEndpoint Create(string dataFolder)
    {
        var folder = Directory.CreateDirectory(Path.Combine(dataFolder, "imaps")).FullName;
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
                _bye = ExchangeWithoutCertificateEndpoint.Start(Port);
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

    private async Task StartDovecotAsync(CancellationToken cancellationToken) =>
        _dovecot = await DovecotProcess.StartAsync(
            new DovecotSettings(
                _folder, ImapPort, Port, Path.Combine(_folder, "server.crt.pem"), Path.Combine(_folder, "server.key.pem"),
                User: "voicemail", Password: "demo-only-" + Guid.NewGuid().ToString("N")),
            cancellationToken).ConfigureAwait(false);

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
}
