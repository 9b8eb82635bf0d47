using System.ComponentModel.DataAnnotations;

namespace ImapAutomation.HybridWorker.PowerShell;

/// <summary>How runbooks are hosted: the runspace pool, what each runspace loads, and the limits of one run.</summary>
public sealed class PowerShellRunnerOptions : IValidatableObject
{
    public const string Section = "HybridWorker:PowerShell";

    /// <summary>Runspaces kept warm; also the most runbooks that can run at once in this process.</summary>
    [Range(1, 64)]
    public int MaxRunspaces { get; set; } = 4;

    /// <summary>Modules (names or paths to .psd1/.psm1) imported into every runspace when it is created.</summary>
    public IList<string> ModulesToImport { get; init; } = [];

    /// <summary>How runspaces reach Exchange; see docs/hybrid-worker.md.</summary>
    public ExchangeConnectionOptions Exchange { get; set; } = new();

    /// <summary>The timeout of a runbook whose request does not name one.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a stopped pipeline may take to stop before its runspace is abandoned.</summary>
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Characters kept per stream (error, warning, verbose, information); the rest is dropped and flagged.</summary>
    [Range(1024, 4 * 1024 * 1024)]
    public int MaxStreamChars { get; set; } = 32 * 1024;

    /// <summary>Characters of output JSON kept; a larger output is dropped and flagged, never cut mid-JSON.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxOutputChars { get; set; } = 256 * 1024;

    /// <summary>Applied on Windows only (setting a policy throws on Linux); the catalog's scripts should be signed for AllSigned.</summary>
    public string? WindowsExecutionPolicy { get; set; } = "RemoteSigned";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DefaultTimeout <= TimeSpan.Zero || DefaultTimeout > TimeSpan.FromHours(6))
        {
            yield return new ValidationResult("DefaultTimeout must be above zero and at most 6 hours.", [nameof(DefaultTimeout)]);
        }

        if (StopGrace <= TimeSpan.Zero || StopGrace > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult("StopGrace must be above zero and at most 5 minutes.", [nameof(StopGrace)]);
        }

        foreach (var module in ModulesToImport)
        {
            if (string.IsNullOrWhiteSpace(module))
            {
                yield return new ValidationResult("ModulesToImport holds an empty entry.", [nameof(ModulesToImport)]);
            }
        }

        foreach (var result in Exchange.Validate(validationContext))
        {
            yield return result;
        }
    }
}

/// <summary>Where Exchange's cmdlets come from in each runspace.</summary>
public enum ExchangeConnectionMode
{
    /// <summary>Nothing is connected: the runbooks' cmdlets come from <see cref="PowerShellRunnerOptions.ModulesToImport"/> (the lab module in tests).</summary>
    None,

    /// <summary>An implicit-remoting session to <c>http://SERVER/PowerShell/</c> (configuration <c>Microsoft.Exchange</c>, Kerberos).</summary>
    RemoteSession,
}

public sealed class ExchangeConnectionOptions
{
    public ExchangeConnectionMode Mode { get; set; } = ExchangeConnectionMode.None;

    /// <summary>For <see cref="ExchangeConnectionMode.RemoteSession"/>: e.g. <c>http://ex01.contoso.local/PowerShell/</c>; use the local server's own FQDN on an Exchange server.</summary>
    public Uri? ConnectionUri { get; set; }

    /// <summary>The remoting authentication; Exchange's PowerShell virtual directory expects Kerberos.</summary>
    public string Authentication { get; set; } = "Kerberos";

    internal IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Mode == ExchangeConnectionMode.RemoteSession &&
            (ConnectionUri is null || !ConnectionUri.IsAbsoluteUri || ConnectionUri.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult(
                "Exchange:ConnectionUri must be an absolute http(s) URI such as http://ex01.contoso.local/PowerShell/ when Mode is RemoteSession.",
                ["Exchange.ConnectionUri"]);
        }

        if (Authentication is not ("Kerberos" or "Negotiate" or "Default"))
        {
            yield return new ValidationResult($"Exchange:Authentication '{Authentication}' must be Kerberos, Negotiate or Default.", ["Exchange.Authentication"]);
        }
    }
}
