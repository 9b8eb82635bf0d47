using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ImapAutomation.Testing;

namespace ImapAutomation.Runbooks.Tests;

public sealed class PesterSmokeTests
{
    [Fact]
    public void InvokePester_OnAPassingAndAFailingTest_ReportsOneOfEach()
    {
        var folder = Directory.CreateTempSubdirectory("imapauto-pester-");
        try
        {
            var testFile = Path.Combine(folder.FullName, "Smoke.Tests.ps1");
            File.WriteAllText(testFile, """
                Describe 'smoke' {
                    It 'passes' { 1 + 1 | Should -Be 2 }
                    It 'fails' { 1 + 1 | Should -Be 3 }
                }
                """);
            using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            runspace.Open();
            using var ps = PowerShell.Create(runspace);
            ps.AddCommand("Import-Module").AddParameter("Name", PesterPaths.Module).Invoke();
            ps.Commands.Clear();
            var config = ps.AddCommand("New-PesterConfiguration").Invoke().Single();
            ps.Commands.Clear();
            dynamic cfg = config.BaseObject;
            cfg.Run.Path = testFile;
            cfg.Run.PassThru = true;
            cfg.Output.Verbosity = "None";

            var result = ps.AddCommand("Invoke-Pester").AddParameter("Configuration", config.BaseObject).Invoke().Single();

            Assert.Equal(1, (int)result.Properties["PassedCount"].Value);
            Assert.Equal(1, (int)result.Properties["FailedCount"].Value);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
