using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Testing;

namespace ImapAutomation.Runbooks.Tests.Hosting;

/// <summary>
/// A runbook run the way a C# host (the hybrid worker, <c>imapauto demo</c>) runs it against the lab: the lab module
/// imported by the InitialSessionState, the state file chosen per runspace, the runbook invoked as a command with
/// its parameters bound as parameters (never spliced into script text).
/// </summary>
public sealed class LabRunbookHostTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("imapauto-lab-");
    private readonly string _state;

    public LabRunbookHostTests()
    {
        _state = ExchangeLabPaths.CopyFixture("broken", Path.Combine(_folder.FullName, "state.json"));
    }

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Invoke_DisableImapNtlmOnBrokenLab_ReturnsTheChangeAndWritesTheState()
    {
        using var ps = CreateLabShell();

        var result = ps.AddCommand(ExchangeLabPaths.Runbook(RunbookNames.DisableImapNtlm)).AddParameter("Server", "ex01").Invoke().Single();

        Assert.True((bool)result.Properties["changed"].Value);
        Assert.Contains("\"EnableGSSAPIAndNTLMAuth\": false", File.ReadAllText(_state), StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_HostileServerName_FailsParameterBindingAndLeavesTheStateAlone()
    {
        var before = File.ReadAllBytes(_state);
        using var ps = CreateLabShell();

        var error = Assert.ThrowsAny<ParameterBindingException>(() =>
            ps.AddCommand(ExchangeLabPaths.Runbook(RunbookNames.RestartImapServices)).AddParameter("Server", "ex01; Restart-Computer").Invoke());

        Assert.Contains("Server", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(_state));
    }

    private PowerShell CreateLabShell()
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(ExchangeLabPaths.Module);
        // This overload owns its runspace: disposing the PowerShell closes it.
        var ps = PowerShell.Create(iss);
        // Per runspace rather than ExchangeLabPaths.StateVariable (EXCHANGELAB_STATE), which is process-wide and would be shared by parallel tests.
        ps.AddCommand("Set-ExchangeLabState").AddParameter("Path", _state).Invoke();
        ps.Commands.Clear();
        return ps;
    }
}
