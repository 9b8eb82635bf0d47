using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using ImapAutomation.Testing;

namespace ImapAutomation.Runbooks.Tests.Pester;

/// <summary>
/// Hosts Pester in a runspace for the test projects: opens a runspace with Pester imported, and runs one test file.
/// A step that does not give what it must (Pester not imported, Invoke-Pester returning no result) throws with what
/// the runspace knew: its error stream, HadErrors, the invocation's exception and Pester's own screen output, because
/// a hosted PowerShell otherwise swallows them and leaves only "Sequence contains no elements".
/// </summary>
internal static class PesterHost
{
    /// <summary>A runspace with Pester imported; the caller owns it and must not use it from two threads at once.</summary>
    public static Runspace Open() => Open(PesterPaths.Module);

    internal static Runspace Open(string module)
    {
        // No execution policy in the InitialSessionState: setting one throws on Linux.
        var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        try
        {
            runspace.Open();
            using var ps = PowerShell.Create(runspace);
            ps.AddCommand("Import-Module").AddParameter("Name", module).AddParameter("PassThru");
            InvokeSingle(ps, $"Import-Module {module}");
            return runspace;
        }
        catch
        {
            runspace.Dispose();
            throw;
        }
    }

    /// <summary>Runs one test file with PassThru and no screen output, and returns Pester's run result.</summary>
    public static PSObject Invoke(Runspace runspace, string testFile)
    {
        using var ps = PowerShell.Create(runspace);
        ps.AddCommand("New-PesterConfiguration");
        var config = InvokeSingle(ps, "New-PesterConfiguration");
        ps.Commands.Clear();
        dynamic cfg = config.BaseObject;
        cfg.Run.Path = testFile;
        cfg.Run.PassThru = true;
        cfg.Output.Verbosity = "None";

        ps.AddCommand("Invoke-Pester").AddParameter("Configuration", config.BaseObject);
        return InvokeSingle(ps, $"Invoke-Pester {testFile}");
    }

    /// <summary>
    /// Invokes the commands on <paramref name="ps"/> and returns their one output object; anything else (no output,
    /// several, a terminating error, errors written alongside the output) throws with the runspace's diagnostics.
    /// </summary>
    internal static PSObject InvokeSingle(PowerShell ps, string step)
    {
        var clock = Stopwatch.StartNew();
        Collection<PSObject>? output = null;
        Exception? thrown = null;
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException e)
        {
            thrown = e;
        }

        // HadErrors alone is no failure: importing Pester sets it with an empty error stream (errors it silences
        // land in $Error), so it is reported, and the error stream decides.
        if (thrown is null && output is { Count: 1 } && output[0] is not null && ps.Streams.Error.Count == 0)
        {
            return output[0];
        }

        throw new InvalidOperationException(Describe(ps, step, output, thrown, clock.Elapsed), thrown);
    }

    internal static string Describe(PowerShell ps, string step, Collection<PSObject>? output, Exception? thrown, TimeSpan elapsed)
    {
        var text = new StringBuilder()
            .Append(step).Append(" gave ").Append(output?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no")
            .Append(" output object(s) where one was expected, after ").Append(elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)).AppendLine(" s.")
            .Append("HadErrors: ").Append(ps.HadErrors)
            .Append("; invocation state: ").Append(ps.InvocationStateInfo.State)
            .Append("; runspace: ").Append(ps.Runspace?.RunspaceStateInfo.State).Append(", ").Append(ps.Runspace?.RunspaceAvailability).AppendLine();
        if (thrown is not null)
        {
            text.Append("Exception: ").AppendLine(thrown.ToString());
        }

        if (ps.InvocationStateInfo.Reason is { } reason && !ReferenceEquals(reason, thrown))
        {
            text.Append("Invocation failure: ").AppendLine(reason.ToString());
        }

        text.Append("Error stream (").Append(ps.Streams.Error.Count).AppendLine("):");
        foreach (var error in ps.Streams.Error)
        {
            text.Append("  ").Append(error.FullyQualifiedErrorId).Append(": ").AppendLine(error.ToString());
            text.Append("    ").AppendLine(error.Exception?.GetType().FullName);
            if (!string.IsNullOrEmpty(error.ScriptStackTrace))
            {
                text.Append("    ").AppendLine(error.ScriptStackTrace.ReplaceLineEndings(Environment.NewLine + "    "));
            }
        }

        AppendStream(text, "$Error, newest first, including errors a command silenced", RecentErrors(ps.Runspace));

        // Pester reports a failure of the run itself with Write-Host, which a hosted runspace puts on the information stream.
        AppendStream(text, "Warning stream", ps.Streams.Warning.Select(w => w.Message));
        AppendStream(text, "Information stream", ps.Streams.Information.Select(i => i.MessageData?.ToString() ?? ""));
        return text.ToString();
    }

    private static List<string> RecentErrors(Runspace? runspace)
    {
        if (runspace is not { RunspaceAvailability: RunspaceAvailability.Available }
            || runspace.SessionStateProxy.GetVariable("Error") is not System.Collections.IEnumerable errors)
        {
            return [];
        }

        return errors.Cast<object>().Take(10).Select(e => e switch
        {
            ErrorRecord record => $"{record.FullyQualifiedErrorId}: {record}",
            _ => e.ToString() ?? "",
        }).ToList();
    }

    private static void AppendStream(StringBuilder text, string name, IEnumerable<string> messages)
    {
        var list = messages.ToList();
        if (list.Count == 0)
        {
            return;
        }

        text.Append(name).Append(" (").Append(list.Count).AppendLine("):");
        foreach (var message in list)
        {
            text.Append("  ").AppendLine(message);
        }
    }
}
