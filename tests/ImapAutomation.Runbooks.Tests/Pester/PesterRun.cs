using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;

namespace ImapAutomation.Runbooks.Tests.Pester;

/// <summary>One Pester test's outcome (a data-driven test has one per row).</summary>
internal sealed record PesterOutcome(string Test, string ExpandedName, string Result, string Error);

/// <summary>A suite file's outcomes, and the failure of the file itself (a syntax error, a throwing BeforeAll).</summary>
internal sealed record PesterFileRun(IReadOnlyList<PesterOutcome> Outcomes, string ContainerError);

/// <summary>
/// Runs the suites under runbooks/tests in one hosted runspace: Pester is imported once (that costs seconds) and
/// each file runs once, when its first xunit case asks, so a filtered <c>dotnet test</c> runs only what it needs.
/// </summary>
public sealed class PesterRun : IDisposable
{
    private readonly Lazy<Runspace> _runspace = new(PesterHost.Open, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly Dictionary<string, PesterFileRun> _runs = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    internal PesterFileRun RunFile(string fileName)
    {
        lock (_gate)
        {
            if (!_runs.TryGetValue(fileName, out var run))
            {
                run = Run(_runspace.Value, Path.Combine(PesterSuite.Folder, fileName));
                _runs.Add(fileName, run);
            }

            return run;
        }
    }

    public void Dispose()
    {
        if (_runspace.IsValueCreated)
        {
            _runspace.Value.Dispose();
        }
    }

    private static PesterFileRun Run(Runspace runspace, string file)
    {
        var result = PesterHost.Invoke(runspace, file);

        var outcomes = new List<PesterOutcome>();
        foreach (var item in (IEnumerable)result.Properties["Tests"].Value)
        {
            var test = PSObject.AsPSObject(item);
            var path = ((IEnumerable)test.Properties["Path"].Value).Cast<object>().Select(o => o.ToString() ?? "");
            outcomes.Add(new PesterOutcome(
                PesterSuite.Join(path),
                (string)test.Properties["ExpandedName"].Value,
                test.Properties["Result"].Value?.ToString() ?? "",
                Describe(test.Properties["ErrorRecord"].Value)));
        }

        var containerError = new StringBuilder();
        foreach (var item in (IEnumerable)result.Properties["Containers"].Value)
        {
            var container = PSObject.AsPSObject(item);
            if (container.Properties["Result"].Value?.ToString() == "Failed")
            {
                containerError.Append(container.Properties["Item"].Value).Append(": ").AppendLine(Describe(container.Properties["ErrorRecord"].Value));
            }
        }

        return new PesterFileRun(outcomes, containerError.ToString());
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
