using System.Globalization;
using ImapAutomation.LocalParts.Processes;

namespace ImapAutomation.LocalParts.Imap;

/// <summary>How a <see cref="DovecotProcess"/> listens and what it presents.</summary>
/// <param name="Folder">Dovecot's own folder: its configuration, base (sockets), state and mail folders go here.</param>
/// <param name="ImapPort">The plain IMAP (STARTTLS) listener, also how a start is told apart from a hang.</param>
/// <param name="ImapsPort">The IMAPS listener; 0 switches it off, so the TLS port refuses connections.</param>
/// <param name="CertificatePath">The server certificate (PEM) Dovecot presents.</param>
/// <param name="KeyPath">Its private key (PEM).</param>
/// <param name="User">The only user the static passdb knows.</param>
/// <param name="Password">That user's password.</param>
public sealed record DovecotSettings(string Folder, int ImapPort, int ImapsPort, string CertificatePath, string KeyPath, string User, string Password);

/// <summary>
/// A private Dovecot 2.3 (<c>dovecot -F -c FILE</c>) on loopback ports with its own configuration and folders: the one
/// place that writes that configuration. Disposing stops it.
/// </summary>
public sealed class DovecotProcess : IAsyncDisposable
{
    private const string Program = "/usr/sbin/dovecot";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ChildProcess _process;

    private DovecotProcess(ChildProcess process) => _process = process;

    public int ProcessId => _process.Id;

    /// <summary>Dovecot's log so far, for assertion and error messages.</summary>
    public string Output => _process.Output;

    /// <summary>Writes the configuration, starts Dovecot and waits until its listeners accept connections.</summary>
    /// <exception cref="LocalPartException">Dovecot is not installed, did not start, or did not listen in time.</exception>
    public static async Task<DovecotProcess> StartAsync(DovecotSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (OperatingSystem.IsLinux() && !File.Exists(Program))
        {
            throw new LocalPartException($"Dovecot is not installed ({Program}). Run scripts/bootstrap.sh first.");
        }

        if (!OperatingSystem.IsWindows())
        {
            // Dovecot's unprivileged login processes must reach the sockets under its base_dir.
            File.SetUnixFileMode(settings.Folder, (UnixFileMode)Convert.ToInt32("755", 8));
        }

        var config = Path.Combine(settings.Folder, "dovecot.conf");
        await File.WriteAllTextAsync(config, Configuration(settings), cancellationToken).ConfigureAwait(false);
        var dovecot = new DovecotProcess(ChildProcess.Start("Dovecot", "dovecot", ["-F", "-c", config]));
        try
        {
            await dovecot._process.WaitForPortAsync(settings.ImapPort, StartTimeout, cancellationToken).ConfigureAwait(false);
            if (settings.ImapsPort != 0)
            {
                await dovecot._process.WaitForPortAsync(settings.ImapsPort, StartTimeout, cancellationToken).ConfigureAwait(false);
            }

            return dovecot;
        }
        catch
        {
            await dovecot.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static string Configuration(DovecotSettings settings)
    {
        string Dir(string name) => Directory.CreateDirectory(Path.Combine(settings.Folder, name)).FullName;
        var mail = Dir("mail");
        return string.Create(CultureInfo.InvariantCulture, $$"""
            # Written by ImapAutomation.LocalParts for one local run on loopback.
            base_dir = {{Dir("run")}}
            state_dir = {{Dir("state")}}
            protocols = imap
            listen = 127.0.0.1
            ssl = yes
            ssl_cert = <{{settings.CertificatePath}}
            ssl_key = <{{settings.KeyPath}}
            default_login_user = dovenull
            default_internal_user = dovecot
            log_path = /dev/stderr
            auth_mechanisms = plain
            disable_plaintext_auth = yes
            mail_location = maildir:{{mail}}/%u
            passdb {
              driver = static
              args = user={{settings.User}} password={{settings.Password}}
            }
            userdb {
              driver = static
              args = uid=dovecot gid=dovecot home={{mail}}/%u
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{settings.ImapPort}}
              }
              inet_listener imaps {
                address = 127.0.0.1
                port = {{settings.ImapsPort}}
                ssl = yes
              }
            }

            """);
    }
}
