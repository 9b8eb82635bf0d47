using System.Management.Automation.Runspaces;

namespace ImapAutomation.HybridWorker.PowerShell;

/// <summary>
/// Connects one runspace to Exchange by implicit remoting, the way the Exchange Management Shell does on a server
/// (PowerShell 7 cannot load the Exchange snap-in, so "local" means a session to the server's own /PowerShell/).
/// Built from commands and parameters only; it needs a real Exchange server and is exercised there, not in tests.
/// </summary>
internal static class ExchangeSession
{
    public static void Connect(Runspace runspace, ExchangeConnectionOptions options)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        var session = ps.AddCommand("New-PSSession")
            .AddParameter("ConfigurationName", "Microsoft.Exchange")
            .AddParameter("ConnectionUri", options.ConnectionUri)
            .AddParameter("Authentication", options.Authentication)
            .AddParameter("ErrorAction", "Stop")
            .Invoke()
            .Single();
        ps.Commands.Clear();
        ps.AddCommand("Import-PSSession")
            .AddParameter("Session", session)
            .AddParameter("DisableNameChecking", true)
            .AddParameter("AllowClobber", true)
            .AddParameter("ErrorAction", "Stop")
            .Invoke();
    }
}
