using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ImapAutomation.Core.Probe;

/// <summary>
/// <c>Test-ImapTls</c>: a real IMAPS (or STARTTLS) handshake as a voice-mail client makes it, reporting what the server
/// presented and one clear outcome. It never logs in, so a <c>* BYE ... 14</c> it sees is the missing-certificate one.
/// </summary>
public sealed class ImapTlsProbe(TimeProvider timeProvider)
{
    private const string CapabilityTag = "p1";
    private const string StartTlsTag = "p0";
    private const string LogoutTag = "p2";

    public ImapTlsProbe()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Runs the probe; network failures become outcomes, only the caller's own cancellation throws.</summary>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public async Task<ImapTlsProbeResult> ProbeAsync(ImapTlsProbeOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();

        using var run = new ProbeRun(options, timeProvider);
        using var timeout = new CancellationTokenSource(options.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await run.ExecuteAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            run.Conclude(ImapTlsOutcome.TimedOut,
                $"No answer from {run.Endpoint} within {options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s during the {run.Stage}.");
        }
        catch (SocketException ex)
        {
            run.ConcludeSocketError(ex);
        }
        catch (ImapProtocolException ex)
        {
            run.Conclude(ImapTlsOutcome.ProtocolError, $"{run.Endpoint}, {run.Stage}: {ex.Message}");
        }
        catch (IOException ex) when (ex.InnerException is SocketException socket)
        {
            run.ConcludeSocketError(socket);
        }
        catch (IOException ex)
        {
            run.Conclude(ImapTlsOutcome.NetworkError, $"{run.Endpoint}, {run.Stage}: {ex.Message}");
        }

        return run.ToResult();
    }

    /// <summary>The state of one probe, filled in as far as it gets.</summary>
    private sealed class ProbeRun(ImapTlsProbeOptions options, TimeProvider time) : IDisposable
    {
        private readonly long _started = time.GetTimestamp();
        private readonly DateTimeOffset _checkedAt = time.GetUtcNow();
        private X509Certificate2? _leaf;
        private readonly X509Certificate2Collection _presentedChain = [];
        private ImapTlsOutcome? _outcome;
        private string _message = "";
        private string? _protocol;
        private string? _cipher;
        private string? _greeting;
        private IReadOnlyList<string> _capabilities = [];
        private ImapTlsCertificateReport? _certificate;
        private (ImapTlsOutcome Outcome, string Message)? _verdict;

        public string Stage { get; private set; } = "connect";

        public string Endpoint => $"{options.Host}:{options.EffectivePort}";

        public void Conclude(ImapTlsOutcome outcome, string message)
        {
            _outcome = outcome;
            _message = message;
        }

        public void ConcludeSocketError(SocketException ex)
        {
            var (outcome, text) = ex.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => (ImapTlsOutcome.Refused, "connection refused: nothing listens on the port, or a firewall rejects it"),
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => (ImapTlsOutcome.Unresolved, "the host name does not resolve"),
                SocketError.TimedOut => (ImapTlsOutcome.TimedOut, "the connection timed out"),
                _ => (ImapTlsOutcome.NetworkError, ex.Message),
            };
            Conclude(outcome, $"{Endpoint}, {Stage}: {text}.");
        }

        public async Task ExecuteAsync(CancellationToken cancellationToken)
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(options.Host, options.EffectivePort, cancellationToken).ConfigureAwait(false);
            using var network = new NetworkStream(socket, ownsSocket: false);

            if (options.StartTls && !await UpgradeWithStartTlsAsync(network, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            Stage = "TLS handshake";
            using var recording = new RecordingStream(network);
            using var tls = new SslStream(recording, leaveInnerStreamOpen: true);
            if (!await HandshakeAsync(tls, recording, network, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            if (!options.StartTls)
            {
                Stage = "greeting";
                var greeting = await ImapLine.ReadAsync(tls, cancellationToken).ConfigureAwait(false);
                if (!AcceptGreeting(greeting))
                {
                    return;
                }
            }

            Stage = "CAPABILITY";
            await ImapLine.WriteAsync(tls, CapabilityTag + " CAPABILITY", cancellationToken).ConfigureAwait(false);
            var (_, untagged) = await ImapLine.ReadResponseAsync(tls, CapabilityTag, cancellationToken).ConfigureAwait(false);
            _capabilities = ImapLine.ParseCapabilities(untagged);
            await LogoutQuietlyAsync(tls, cancellationToken).ConfigureAwait(false);

            var warning = _certificate!.DaysRemaining < options.ExpiryWarningDays ? $" Renew it: {_certificate.DaysRemaining} days left." : "";
            Conclude(ImapTlsOutcome.Success,
                $"{Endpoint}: {_protocol} {_cipher}, certificate '{_certificate.Subject}' valid until {_certificate.NotAfter:u}, IMAP greeting OK.{warning}");
        }

        public void Dispose()
        {
            _leaf?.Dispose();
            foreach (var certificate in _presentedChain)
            {
                certificate.Dispose();
            }
        }

        public ImapTlsProbeResult ToResult() => new()
        {
            Host = options.Host,
            Port = options.EffectivePort,
            StartTls = options.StartTls,
            Outcome = _outcome ?? ImapTlsOutcome.ProtocolError,
            Message = _outcome is null ? $"{Endpoint}: the probe ended without a conclusion during the {Stage}." : _message,
            Protocol = _protocol,
            CipherSuite = _cipher,
            Certificate = _certificate,
            Greeting = _greeting,
            Capabilities = _capabilities,
            CheckedAt = _checkedAt,
            ElapsedMilliseconds = (long)time.GetElapsedTime(_started).TotalMilliseconds,
        };

        private async Task<bool> UpgradeWithStartTlsAsync(NetworkStream network, CancellationToken cancellationToken)
        {
            Stage = "plain-text greeting";
            var greeting = await ImapLine.ReadAsync(network, cancellationToken).ConfigureAwait(false);
            if (!AcceptGreeting(greeting))
            {
                return false;
            }

            Stage = "STARTTLS";
            await ImapLine.WriteAsync(network, StartTlsTag + " STARTTLS", cancellationToken).ConfigureAwait(false);
            var (tagged, untagged) = await ImapLine.ReadResponseAsync(network, StartTlsTag, cancellationToken).ConfigureAwait(false);
            var bye = untagged.FirstOrDefault(l => ImapLine.TryParseBye(l, out _, out _));
            if (bye is not null)
            {
                ConcludeBye(bye);
                return false;
            }

            if (!tagged.StartsWith(StartTlsTag + " OK", StringComparison.OrdinalIgnoreCase))
            {
                Conclude(ImapTlsOutcome.StartTlsRefused, $"{Endpoint} refused STARTTLS: '{tagged}'.");
                return false;
            }

            return true;
        }

        private async Task<bool> HandshakeAsync(SslStream tls, RecordingStream recording, NetworkStream network, CancellationToken cancellationToken)
        {
            var authentication = new SslClientAuthenticationOptions
            {
                TargetHost = options.EffectiveServerName,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                {
                    // Judged by the probe's own trust settings, with the certificate kept for the report either way.
                    _leaf?.Dispose();
                    _leaf = null;
                    _presentedChain.Clear();
                    if (certificate is not null)
                    {
                        _leaf = new X509Certificate2(certificate);
                    }

                    if (chain is not null)
                    {
                        foreach (var element in chain.ChainElements.Skip(1))
                        {
                            _presentedChain.Add(new X509Certificate2(element.Certificate));
                        }
                    }

                    _verdict = EvaluateCertificate();
                    return _verdict.Value.Outcome == ImapTlsOutcome.Success;
                },
            };

            try
            {
                await tls.AuthenticateAsClientAsync(authentication, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException && !cancellationToken.IsCancellationRequested)
            {
                if (_verdict is { Outcome: not ImapTlsOutcome.Success } verdict)
                {
                    // The probe itself refused the certificate, as a client would: no greeting is read from such a server.
                    Conclude(verdict.Outcome, verdict.Message);
                    return false;
                }

                await ConcludeHandshakeFailureAsync(ex, recording, network, cancellationToken).ConfigureAwait(false);
                return false;
            }

            _protocol = tls.SslProtocol.ToString();
            _cipher = tls.NegotiatedCipherSuite.ToString();
            return true;
        }

        private async Task ConcludeHandshakeFailureAsync(Exception ex, RecordingStream recording, NetworkStream network, CancellationToken cancellationToken)
        {
            var sent = Encoding.UTF8.GetString(recording.Recorded);
            if (sent.StartsWith('*'))
            {
                // A plain-text IMAP line where a ServerHello belonged; read the rest of it for the report.
                var line = sent.Split('\n')[0];
                if (!sent.Contains('\n', StringComparison.Ordinal))
                {
                    using var rest = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    rest.CancelAfter(TimeSpan.FromSeconds(1));
                    try
                    {
                        line += await ImapLine.ReadAsync(network, rest.Token).ConfigureAwait(false);
                    }
                    catch (Exception readError) when (readError is IOException or OperationCanceledException or ImapProtocolException)
                    {
                        // What was recorded is enough to classify.
                    }
                }

                line = line.TrimEnd('\r', '\n');
                _greeting = line;
                if (ImapLine.TryParseBye(line, out _, out _))
                {
                    ConcludeBye(line);
                    return;
                }

                Conclude(ImapTlsOutcome.HandshakeFailed,
                    $"{Endpoint} answered the TLS ClientHello in plain text ('{line}'): the port does not speak implicit TLS" +
                    (options.StartTls ? "." : "; try STARTTLS on 143."));
                return;
            }

            var reason = ex.InnerException is null ? ex.Message : $"{ex.Message} ({ex.InnerException.Message})";
            Conclude(ImapTlsOutcome.HandshakeFailed,
                recording.Recorded.IsEmpty
                    ? $"{Endpoint} closed the connection during the TLS handshake without a word: {reason}"
                    : $"{Endpoint}: the TLS handshake failed: {reason}");
        }

        private bool AcceptGreeting(string? greeting)
        {
            _greeting = greeting;
            if (greeting is null)
            {
                Conclude(ImapTlsOutcome.ProtocolError, $"{Endpoint} closed the connection without an IMAP greeting.");
                return false;
            }

            if (ImapLine.TryParseBye(greeting, out _, out _))
            {
                ConcludeBye(greeting);
                return false;
            }

            if (!greeting.StartsWith("* OK", StringComparison.OrdinalIgnoreCase) && !greeting.StartsWith("* PREAUTH", StringComparison.OrdinalIgnoreCase))
            {
                Conclude(ImapTlsOutcome.ProtocolError, $"{Endpoint} greeted with '{greeting}', which is not an IMAP greeting.");
                return false;
            }

            return true;
        }

        private void ConcludeBye(string line)
        {
            _ = ImapLine.TryParseBye(line, out var text, out var code);
            _greeting ??= line;
            if (code == 14)
            {
                Conclude(ImapTlsOutcome.NoSslCertificate,
                    $"{Endpoint} closed the session with '{line}' before any login: no certificate is bound to IMAP " +
                    "(Exchange event 1102; Enable-ExchangeCertificate -Services IMAP and Set-ImapSettings -X509CertificateName).");
                return;
            }

            var meaning = code switch
            {
                10 => ": too many connections",
                11 => ": timeout",
                12 => ": the service is shutting down",
                _ => "",
            };
            Conclude(ImapTlsOutcome.ServerBye, $"{Endpoint} said BYE during the {Stage}: '{text}'{meaning}.");
        }

        private (ImapTlsOutcome Outcome, string Message) EvaluateCertificate()
        {
            if (_leaf is null)
            {
                return (ImapTlsOutcome.Untrusted, $"{Endpoint} presented no certificate.");
            }

            var now = time.GetUtcNow();
            var (trusted, trustDetail) = EvaluateTrust(_leaf, now);
            var nameMatches = _leaf.MatchesHostname(options.EffectiveServerName, allowWildcards: true, allowCommonName: true);
            var notBefore = new DateTimeOffset(_leaf.NotBefore.ToUniversalTime(), TimeSpan.Zero);
            var notAfter = new DateTimeOffset(_leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            var daysRemaining = (int)Math.Floor((notAfter - now).TotalDays);
            var san = _leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
            _certificate = new ImapTlsCertificateReport
            {
                Subject = _leaf.Subject,
                Issuer = _leaf.Issuer,
                DnsNames = san?.EnumerateDnsNames().ToList() ?? [],
                IpAddresses = san?.EnumerateIPAddresses().Select(a => a.ToString()).ToList() ?? [],
                NotBefore = notBefore,
                NotAfter = notAfter,
                Thumbprint = _leaf.Thumbprint,
                ThumbprintSha256 = _leaf.GetCertHashString(HashAlgorithmName.SHA256),
                DaysRemaining = daysRemaining,
                HostNameMatches = nameMatches,
                Trusted = trusted,
                TrustDetail = trustDetail,
            };

            var who = $"{Endpoint}: certificate '{_leaf.Subject}' issued by '{_leaf.Issuer}'";
            if (!trusted)
            {
                return (ImapTlsOutcome.Untrusted, $"{who} is not trusted ({trustDetail}).");
            }

            if (now > notAfter)
            {
                return (ImapTlsOutcome.Expired, $"{who} expired on {notAfter:u} ({-daysRemaining} days ago).");
            }

            if (now < notBefore)
            {
                return (ImapTlsOutcome.Expired, $"{who} is not valid before {notBefore:u}.");
            }

            if (!nameMatches)
            {
                var names = string.Join(", ", _certificate.DnsNames.Concat(_certificate.IpAddresses));
                return (ImapTlsOutcome.NameMismatch,
                    $"{who} covers [{names}], not '{options.EffectiveServerName}' (Set-ImapSettings -X509CertificateName must name a certificate for it).");
            }

            return (ImapTlsOutcome.Success, "");
        }

        private (bool Trusted, string? Detail) EvaluateTrust(X509Certificate2 leaf, DateTimeOffset now)
        {
            if (options.Trust == ImapTlsTrust.PinnedThumbprint)
            {
                var pinned = options.PinnedThumbprints.Select(ImapTlsProbeOptions.NormalizeThumbprint).ToHashSet(StringComparer.Ordinal);
                var matches = pinned.Contains(leaf.Thumbprint) || pinned.Contains(leaf.GetCertHashString(HashAlgorithmName.SHA256));
                return matches ? (true, null) : (false, $"thumbprint {leaf.Thumbprint} is not one of the pinned thumbprints");
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.VerificationTime = now.UtcDateTime;
            chain.ChainPolicy.RevocationMode = options.CheckRevocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck;
            // Validity is judged on its own (Expired), so an expired but otherwise good chain is not called untrusted.
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
            chain.ChainPolicy.ExtraStore.AddRange(_presentedChain);
            if (options.Trust == ImapTlsTrust.PinnedCa)
            {
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.ImportFromPemFile(options.PinnedCaFile!);
            }

            try
            {
                if (chain.Build(leaf))
                {
                    return (true, null);
                }

                var problems = chain.ChainStatus
                    .Where(s => s.Status != X509ChainStatusFlags.NotTimeValid)
                    .Select(s => string.IsNullOrWhiteSpace(s.StatusInformation) ? s.Status.ToString() : s.StatusInformation.Trim())
                    .Distinct(StringComparer.Ordinal);
                return (false, string.Join("; ", problems));
            }
            finally
            {
                foreach (var element in chain.ChainElements)
                {
                    element.Certificate.Dispose();
                }

                foreach (var certificate in chain.ChainPolicy.CustomTrustStore)
                {
                    certificate.Dispose();
                }
            }
        }

        private static async Task LogoutQuietlyAsync(Stream tls, CancellationToken cancellationToken)
        {
            try
            {
                await ImapLine.WriteAsync(tls, LogoutTag + " LOGOUT", cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The probe has its answer; a server that hangs up first is fine.
            }
        }
    }
}
