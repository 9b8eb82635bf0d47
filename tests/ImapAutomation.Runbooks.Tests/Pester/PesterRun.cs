using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using ImapAutomation.Testing;

namespace ImapAutomation.Runbooks.Tests.Pester;

/// <summary>One Pester test's outcome (a data-driven test has one per row).</summary>
internal sealed record PesterOutcome(string File, string Test, string ExpandedName, string Result, string Error);

/// <summary>
/// Runs every suite under runbooks/tests once in a hosted runspace (importing Pester costs seconds) and keeps the
/// outcomes for the xunit cases to report one by one.
/// </summary>
public sealed class PesterRun
{
    private readonly Lazy<(IReadOnlyList<PesterOutcome> Outcomes, string ContainerErrors)> _run = new(Run, LazyThreadSafetyMode.ExecutionAndPublication);

    internal IReadOnlyList<PesterOutcome> Outcomes => _run.Value.Outcomes;

    /// <summary>Failures of whole files (a syntax error, a throwing BeforeAll/BeforeDiscovery), which have no test to carry them.</summary>
    internal string ContainerErrors => _run.Value.ContainerErrors;

    private static (IReadOnlyList<PesterOutcome>, string) Run()
    {
        // No execution policy in the InitialSessionState: setting one throws on Linux.
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        using var ps = PowerShell.Create(runspace);
        ps.AddCommand("Import-Module").AddParameter("Name", PesterPaths.Module).Invoke();
        ps.Commands.Clear();
        var config = ps.AddCommand("New-PesterConfiguration").Invoke().Single();
        ps.Commands.Clear();
        dynamic cfg = config.BaseObject;
        cfg.Run.Path = PesterSuite.Folder;
        cfg.Run.PassThru = true;
        cfg.Output.Verbosity = "None";

        var result = ps.AddCommand("Invoke-Pester").AddParameter("Configuration", config.BaseObject).Invoke().Single();

        var outcomes = new List<PesterOutcome>();
        foreach (var item in (IEnumerable)result.Properties["Tests"].Value)
        {
            var test = PSObject.AsPSObject(item);
            var path = ((IEnumerable)test.Properties["Path"].Value).Cast<object>().Select(o => o.ToString() ?? "");
            var file = Path.GetFileName(((ScriptBlock)test.Properties["ScriptBlock"].Value).File);
            outcomes.Add(new PesterOutcome(
                file,
                PesterSuite.Join(path),
                (string)test.Properties["ExpandedName"].Value,
                test.Properties["Result"].Value?.ToString() ?? "",
                Describe(test.Properties["ErrorRecord"].Value)));
        }

        var containerErrors = new StringBuilder();
        foreach (var item in (IEnumerable)result.Properties["Containers"].Value)
        {
            var container = PSObject.AsPSObject(item);
            if (container.Properties["Result"].Value?.ToString() == "Failed")
            {
                containerErrors.Append(container.Properties["Item"].Value).Append(": ").AppendLine(Describe(container.Properties["ErrorRecord"].Value));
            }
        }

        return (outcomes, containerErrors.ToString());
    }

    private static string Describe(object? errorRecords)
    {
        var text = new StringBuilder();
        foreach (var item in errorRecords as IEnumerable ?? Array.Empty<object>())
        {
            if (PSObject.AsPSObject(item).BaseObject is ErrorRecord error)
            {
                text.AppendLine(error.ToString());
                // Pester's own frames say nothing about the failure; keep the test's and the runbook's.
                foreach (var frame in (error.ScriptStackTrace ?? "").Split('\n'))
                {
                    if (!frame.Contains("Pester.psm1", StringComparison.Ordinal) && !frame.Contains("Pester.ScriptScope.ps1", StringComparison.Ordinal))
                    {
                        text.AppendLine(frame.TrimEnd('\r'));
                    }
                }
            }
        }

        return text.ToString();
    }
}
