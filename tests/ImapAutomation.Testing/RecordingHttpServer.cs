using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ImapAutomation.Testing;

/// <summary>A request as it arrived on the wire, for tests that assert on what a client sent.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>A scripted reply: status, body, headers.</summary>
public sealed record ScriptedResponse(int Status, string Body = "", string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// A real HTTP(S) server on a free loopback port (Kestrel) that answers scripted responses in order and records every
/// request. Stands in for services that cannot run here (Log Analytics, Graph, Teams) while speaking their wire format.
/// </summary>
public sealed class RecordingHttpServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ScriptedResponse> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly WebApplication _app;

    private RecordingHttpServer(WebApplication app, Uri baseAddress, X509Certificate2? certificate)
    {
        _app = app;
        BaseAddress = baseAddress;
        Certificate = certificate;
    }

    public Uri BaseAddress { get; }

    /// <summary>The self-signed certificate of an HTTPS server; clients trust exactly this one.</summary>
    public X509Certificate2? Certificate { get; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Answered when the script is empty, so a client that sends too much is seen failing, not hanging.</summary>
    public ScriptedResponse Fallback { get; set; } = new(599, """{"error":{"code":"NoScriptedResponse","message":"The test scripted no more responses."}}""");

    public static async Task<RecordingHttpServer> StartAsync(bool https = true)
    {
        var port = FreePort.Next();
        var certificate = https ? CreateCertificate() : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var server = new RecordingHttpServer(app, new Uri($"{(https ? "https" : "http")}://127.0.0.1:{port}"), certificate);
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        return server;
    }

    public RecordingHttpServer Enqueue(params ScriptedResponse[] responses)
    {
        ArgumentNullException.ThrowIfNull(responses);
        foreach (var response in responses)
        {
            _script.Enqueue(response);
        }

        return this;
    }

    /// <summary>An HttpClientHandler that trusts this server's certificate and nothing else.</summary>
    public HttpClientHandler CreateTrustingHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            Certificate is null || (cert is not null && cert.Thumbprint == Certificate.Thumbprint),
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Certificate?.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body));

        var reply = _script.TryDequeue(out var next) ? next : Fallback;
        context.Response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        if (reply.Body.Length > 0)
        {
            context.Response.ContentType = reply.ContentType;
            await context.Response.WriteAsync(reply.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Kestrel on Linux needs a certificate whose private key it can use; a PFX round trip makes it so.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}
