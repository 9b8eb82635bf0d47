using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using ImapAutomation.Core.Probe;

namespace ImapAutomation.Cli.Probe;

/// <summary><c>imapauto probe HOST[:PORT] [--starttls] [--json] ...</c>: the Test-ImapTls handshake from an operator's shell.</summary>
internal static class ProbeCommand
{
    /// <summary>The probe ran and the endpoint is not healthy (distinct from a usage error).</summary>
    public const int ProbeFailed = 2;

    public const string Usage = """
        Usage: imapauto probe HOST[:PORT] [--starttls] [--json] [--server-name NAME] [--timeout SECONDS]
                              [--ca FILE | --thumbprint HEX ...]
          HOST[:PORT]   the IMAP server; port 993 (implicit TLS), or 143 with --starttls; IPv6 as [::1]:993
          --ca FILE     trust only CAs in this PEM file (labs); default: the system store
          --thumbprint  trust only a server certificate with this SHA-1 or SHA-256 thumbprint (repeatable)
        Exit code: 0 healthy, 2 the probe found a problem, 1 usage error.
        """;

    public static async Task<int> RunAsync(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ImapTlsProbeOptions options;
        bool json;
        try
        {
            (options, json) = Parse(context.Args);
            options.Validate();
        }
        catch (Exception ex) when (ex is FormatException or ValidationException)
        {
            await context.Stderr.WriteLineAsync($"imapauto probe: {ex.Message}").ConfigureAwait(false);
            await context.Stderr.WriteLineAsync(Usage).ConfigureAwait(false);
            return CliApp.UsageError;
        }

        var result = await new ImapTlsProbe().ProbeAsync(options, context.CancellationToken).ConfigureAwait(false);
        await context.Stdout.WriteLineAsync(json
            ? JsonSerializer.Serialize(result, ProbeJsonContext.Default.ImapTlsProbeResult)
            : Describe(result)).ConfigureAwait(false);
        return result.Succeeded ? CliApp.Ok : ProbeFailed;
    }

    internal static (ImapTlsProbeOptions Options, bool Json) Parse(IReadOnlyList<string> args)
    {
        var options = new ImapTlsProbeOptions();
        var json = false;
        string? target = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--starttls":
                    options.StartTls = true;
                    break;
                case "--json":
                    json = true;
                    break;
                case "--server-name":
                    options.ServerName = Value(args, ref i);
                    break;
                case "--timeout":
                    var text = Value(args, ref i).TrimEnd('s');
                    options.Timeout = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 300
                        ? TimeSpan.FromSeconds(seconds)
                        : throw new FormatException($"--timeout '{args[i]}' is not a number of seconds between 0 and 300.");
                    break;
                case "--ca":
                    options.Trust = ImapTlsTrust.PinnedCa;
                    options.PinnedCaFile = Value(args, ref i);
                    break;
                case "--thumbprint":
                    options.Trust = ImapTlsTrust.PinnedThumbprint;
                    options.PinnedThumbprints.Add(Value(args, ref i));
                    break;
                case var option when option.StartsWith('-'):
                    throw new FormatException($"unknown option '{option}'.");
                default:
                    target = target is null ? args[i] : throw new FormatException($"one HOST[:PORT] only; '{args[i]}' is extra.");
                    break;
            }
        }

        (options.Host, options.Port) = ParseTarget(target ?? throw new FormatException("HOST[:PORT] is missing."));
        if (options.Trust == ImapTlsTrust.PinnedCa && options.PinnedThumbprints.Count > 0)
        {
            throw new FormatException("--ca and --thumbprint exclude each other.");
        }

        return (options, json);
    }

    internal static (string Host, int? Port) ParseTarget(string target)
    {
        string host;
        string? port = null;
        if (target.StartsWith('['))
        {
            var close = target.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"'{target}' opens '[' without closing it.");
            }

            host = target[1..close];
            var rest = target[(close + 1)..];
            if (rest.Length > 0)
            {
                port = rest.StartsWith(':') ? rest[1..] : throw new FormatException($"'{target}' has text after ']' that is not ':PORT'.");
            }
        }
        else
        {
            var colon = target.LastIndexOf(':');
            if (colon >= 0 && target.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                // An IPv6 address without brackets has no port.
                host = target;
            }
            else if (colon >= 0)
            {
                host = target[..colon];
                port = target[(colon + 1)..];
            }
            else
            {
                host = target;
            }
        }

        if (port is null)
        {
            return (host, null);
        }

        return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 65535
            ? (host, number)
            : throw new FormatException($"port '{port}' in '{target}' is not a number from 1 to 65535.");
    }

    private static string Value(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new FormatException($"{args[i - 1]} needs a value.");

    private static string Describe(ImapTlsProbeResult result)
    {
        var lines = new List<string>
        {
            $"{result.Outcome}: {result.Message}",
            $"  endpoint     {result.Host}:{result.Port}{(result.StartTls ? " (STARTTLS)" : "")}",
        };
        if (result.Protocol is not null)
        {
            lines.Add($"  tls          {result.Protocol} {result.CipherSuite}");
        }

        if (result.Certificate is { } certificate)
        {
            lines.Add($"  subject      {certificate.Subject}");
            lines.Add($"  names        {string.Join(", ", certificate.DnsNames.Concat(certificate.IpAddresses))}");
            lines.Add($"  issuer       {certificate.Issuer}");
            lines.Add($"  valid        {certificate.NotBefore:u} .. {certificate.NotAfter:u} ({certificate.DaysRemaining} days left)");
            lines.Add($"  thumbprint   {certificate.Thumbprint}");
            lines.Add($"  name match   {(certificate.HostNameMatches ? "yes" : "no")}, trusted {(certificate.Trusted ? "yes" : "no: " + certificate.TrustDetail)}");
        }

        if (result.Greeting is not null)
        {
            lines.Add($"  greeting     {result.Greeting}");
        }

        if (result.Capabilities.Count > 0)
        {
            lines.Add($"  capabilities {string.Join(' ', result.Capabilities)}");
        }

        lines.Add($"  elapsed      {result.ElapsedMilliseconds} ms");
        return string.Join(Environment.NewLine, lines);
    }
}
