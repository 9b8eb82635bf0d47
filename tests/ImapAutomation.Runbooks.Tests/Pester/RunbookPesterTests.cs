namespace ImapAutomation.Runbooks.Tests.Pester;

/// <summary>Each Pester test of runbooks/tests as its own xunit case, failing with Pester's error.</summary>
public sealed class RunbookPesterTests(PesterRun run) : IClassFixture<PesterRun>
{
    public static TheoryData<string, string> Tests()
    {
        var data = new TheoryData<string, string>();
        foreach (var (file, test) in PesterSuite.Discover())
        {
            data.Add(file, test);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Tests))]
    public void PesterTest_Runs_Passes(string file, string test)
    {
        var fileRun = run.RunFile(file);
        var outcomes = fileRun.Outcomes.Where(o => o.Test == test).ToList();
        Assert.True(outcomes.Count > 0, $"Pester ran no test '{test}' in {file}.{Environment.NewLine}{fileRun.ContainerError}");

        var failed = outcomes.Where(o => o.Result != "Passed").ToList();
        Assert.True(
            failed.Count == 0,
            string.Join(Environment.NewLine, failed.Select(o => $"[{o.Result}] {o.ExpandedName}{Environment.NewLine}{o.Error}")));
    }

    [Fact]
    public void EveryPesterTest_Ran_IsListedAsAnXunitCase()
    {
        var listed = PesterSuite.Discover();

        foreach (var file in listed.Select(t => t.File).Distinct())
        {
            var fileRun = run.RunFile(file);
            var unlisted = fileRun.Outcomes.Select(o => o.Test).Distinct().Where(t => !listed.Contains((file, t))).ToList();
            Assert.True(unlisted.Count == 0, $"{file}: {string.Join(", ", unlisted)}");
            Assert.True(fileRun.ContainerError.Length == 0, fileRun.ContainerError);
        }
    }
}
