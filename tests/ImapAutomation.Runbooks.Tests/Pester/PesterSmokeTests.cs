namespace ImapAutomation.Runbooks.Tests.Pester;

public sealed class PesterSmokeTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("imapauto-pester-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void InvokePester_OnAPassingAndAFailingTest_ReportsOneOfEach()
    {
        var testFile = Path.Combine(_folder.FullName, "Smoke.Tests.ps1");
        File.WriteAllText(testFile, """
            Describe 'smoke' {
                It 'passes' { 1 + 1 | Should -Be 2 }
                It 'fails' { 1 + 1 | Should -Be 3 }
            }
            """);
        using var runspace = PesterHost.Open();

        var result = PesterHost.Invoke(runspace, testFile);

        Assert.Equal(1, (int)result.Properties["PassedCount"].Value);
        Assert.Equal(1, (int)result.Properties["FailedCount"].Value);
    }
}
