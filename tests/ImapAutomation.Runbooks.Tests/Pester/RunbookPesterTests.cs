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
        var outcomes = run.Outcomes.Where(o => o.File == file && o.Test == test).ToList();
        Assert.True(outcomes.Count > 0, $"Pester ran no test '{test}' in {file}.{Environment.NewLine}{run.ContainerErrors}");

        var failed = outcomes.Where(o => o.Result != "Passed").ToList();
        Assert.True(
            failed.Count == 0,
            string.Join(Environment.NewLine, failed.Select(o => $"[{o.Result}] {o.ExpandedName}{Environment.NewLine}{o.Error}")));
    }

    [Fact]
    public void EveryPesterTest_Ran_IsListedAsAnXunitCase()
    {
        var listed = PesterSuite.Discover().ToHashSet();

        var unlisted = run.Outcomes.Where(o => !listed.Contains((o.File, o.Test))).Select(o => $"{o.File}: {o.Test}").Distinct().ToList();

        Assert.Empty(unlisted);
        Assert.True(run.ContainerErrors.Length == 0, run.ContainerErrors);
    }
}
