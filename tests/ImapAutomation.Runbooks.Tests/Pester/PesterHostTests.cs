using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ImapAutomation.Runbooks.Tests.Pester;

/// <summary>A hosted step that gives no result fails with what the runspace knew, not "Sequence contains no elements".</summary>
public sealed class PesterHostTests
{
    [Fact]
    public void InvokeSingle_NoOutputAndAnErrorWritten_ThrowsWithTheErrorStreamAndHadErrors()
    {
        var error = FailureOf("Write-Host 'pester said this'; Write-Warning 'careful'; Write-Error -Message 'the import raced' -ErrorId 'Race.Lost'", "Invoke-Pester x.Tests.ps1");

        Assert.Contains("Invoke-Pester x.Tests.ps1 gave 0 output object(s)", error.Message, StringComparison.Ordinal);
        Assert.Contains("HadErrors: True", error.Message, StringComparison.Ordinal);
        Assert.Contains("Race.Lost", error.Message, StringComparison.Ordinal);
        Assert.Contains("the import raced", error.Message, StringComparison.Ordinal);
        Assert.Contains("pester said this", error.Message, StringComparison.Ordinal);
        Assert.Contains("careful", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvokeSingle_OutputButAnErrorWritten_ThrowsRatherThanReturningAHalfRun()
    {
        var error = FailureOf("42; Write-Error 'late failure'", "step");

        Assert.Contains("gave 1 output object(s)", error.Message, StringComparison.Ordinal);
        Assert.Contains("late failure", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvokeSingle_TerminatingError_ThrowsWithTheExceptionAndKeepsItAsInner()
    {
        var error = FailureOf("throw 'runspace broke'", "step");

        Assert.IsAssignableFrom<RuntimeException>(error.InnerException);
        Assert.Contains("Exception: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("runspace broke", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ModuleMissing_ThrowsNamingTheModuleAndTheImportError()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-pester-{Guid.NewGuid():N}", "Pester.psd1");

        var error = Assert.Throws<InvalidOperationException>(() => PesterHost.Open(missing));

        Assert.Contains($"Import-Module {missing}", error.Message, StringComparison.Ordinal);
        Assert.Contains("HadErrors: True", error.Message, StringComparison.Ordinal);
        Assert.Contains("Modules_ModuleNotFound", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_MissingTestFile_ThrowsWithPestersOwnExplanationInsteadOfNoElements()
    {
        // In an empty folder of its own: Pester searches around a path it cannot find.
        var folder = Directory.CreateTempSubdirectory("imapauto-pester-missing-");
        try
        {
            using var runspace = PesterHost.Open();
            var missing = Path.Combine(folder.FullName, "Gone.Tests.ps1");

            var error = Record.Exception(() => PesterHost.Invoke(runspace, missing));

            // Pester catches this itself and returns nothing: only $Error and its Write-Host output say why.
            Assert.NotNull(error);
            Assert.Contains(missing, error.Message, StringComparison.Ordinal);
            Assert.Contains("gave 0 output object(s)", error.Message, StringComparison.Ordinal);
            Assert.Contains("No test files were found", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static InvalidOperationException FailureOf(string script, string step)
    {
        using var runspace = RunspaceFactory.CreateRunspace();
        runspace.Open();
        using var ps = PowerShell.Create(runspace);
        ps.AddScript(script);
        return Assert.Throws<InvalidOperationException>(() => PesterHost.InvokeSingle(ps, step));
    }
}
