using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ImapAutomation.Testing.Dovecot;

/// <summary>The server certificates the IMAP fixtures can present.</summary>
public enum TestCertificateKind
{
    /// <summary>Covers localhost and 127.0.0.1, valid now, issued by the test CA.</summary>
    Valid,

    /// <summary>Valid now and issued by the test CA, but only for <c>wrong-name.example.test</c>.</summary>
    WrongName,

    /// <summary>Covers localhost and 127.0.0.1, issued by the test CA, expired ten days ago.</summary>
    Expired,

    /// <summary>Covers localhost and 127.0.0.1, but self-signed: no CA vouches for it.</summary>
    SelfSigned,
}

/// <summary>A throw-away CA (ECDSA P-256) that issues the fixtures' server certificates as PEM files in a folder.</summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _ca;

    public TestCertificateAuthority(string folder)
    {
        Folder = folder;
        Directory.CreateDirectory(folder);
        var request = new CertificateRequest("CN=ImapAutomation Test CA", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        _ca = request.CreateSelfSigned(now.AddYears(-1), now.AddYears(1));
        CaCertificatePath = Path.Combine(folder, "test-ca.pem");
        File.WriteAllText(CaCertificatePath, _ca.ExportCertificatePem());
    }

    public string Folder { get; }

    /// <summary>The CA certificate (PEM) to pin in a probe.</summary>
    public string CaCertificatePath { get; }

    /// <summary>Writes <c>{kind}.crt.pem</c> and <c>{kind}.key.pem</c> and returns their paths and the certificate's SHA-1 thumbprint.</summary>
    public IssuedCertificate Issue(TestCertificateKind kind)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = kind == TestCertificateKind.WrongName ? "CN=wrong-name.example.test" : "CN=localhost";
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        if (kind == TestCertificateKind.WrongName)
        {
            san.AddDnsName("wrong-name.example.test");
        }
        else
        {
            san.AddDnsName("localhost");
            san.AddIpAddress(IPAddress.Loopback);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));

        var now = DateTimeOffset.UtcNow;
        var (notBefore, notAfter) = kind == TestCertificateKind.Expired
            ? (now.AddDays(-100), now.AddDays(-10))
            : (now.AddDays(-1), now.AddDays(90));
        using var certificate = kind == TestCertificateKind.SelfSigned
            ? request.CreateSelfSigned(notBefore, notAfter)
            : request.Create(_ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));

        var name = kind.ToString().ToLowerInvariant();
        var certificatePath = Path.Combine(Folder, name + ".crt.pem");
        var keyPath = Path.Combine(Folder, name + ".key.pem");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return new IssuedCertificate(kind, certificatePath, keyPath, certificate.Thumbprint);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
    }
}

/// <summary>PEM files of one issued server certificate.</summary>
public sealed record IssuedCertificate(TestCertificateKind Kind, string CertificatePath, string KeyPath, string Thumbprint);
