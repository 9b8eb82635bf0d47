using System.Text;
using ImapAutomation.Cli.Generate;
using ImapAutomation.Testing;

namespace ImapAutomation.Cli.Tests.Native;

/// <summary>
/// The native imapauto gives, byte for byte, what the development build gives: trimming or ahead-of-time compiling
/// must not change a report, an event or a card, nor drop a validation.
/// </summary>
public sealed class NativeImapautoTests(NativeImapauto native) : IClassFixture<NativeImapauto>
{
    [Fact]
    public async Task Triage_SamplesStormAndHostileInput_SameReportAsTheDevelopmentBuild()
    {
        var folder = Directory.CreateTempSubdirectory("native-triage-").FullName;
        try
        {
            CopyFolder(RepoPaths.InRoot("samples"), Path.Combine(folder, "samples"));
            await using (var storm = File.CreateText(Path.Combine(folder, "storm.xml")))
            {
                await new StormGenerator(20, 7).WriteAsync(storm, 20_000, CancellationToken.None);
            }

            await File.WriteAllTextAsync(Path.Combine(folder, "hostile.xml"), """
                <!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Event><System><Provider Name="&e;"/></System></Event>
                garbage \u0001 bytes
                <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Schannel"/><EventID>36888</EventID>
                """);

            var (exit, stdout, stderr) = await native.RunAsync("triage", "--json", folder);
            var expected = await RunDevelopmentBuildAsync("triage", "--json", folder);

            Assert.Equal((expected.Exit, expected.Stdout), (exit, stdout));
            Assert.Equal(Cli.Triage.TriageCommand.SomeInputRejected, exit);
            Assert.Contains("\"format\": \"windows-event-xml\"", stdout, StringComparison.Ordinal);
            Assert.Empty(stderr);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Evtx_CorpusFile_SameEventXmlAsTheDevelopmentBuild()
    {
        var file = Directory.EnumerateFiles(RepoPaths.InRoot("tests", "shared", "corpora"), "*.evtx", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();

        var (exit, stdout, _) = await native.RunAsync("evtx", file);
        var expected = await RunDevelopmentBuildAsync("evtx", file);

        Assert.Equal((expected.Exit, expected.Stdout), (exit, stdout));
        Assert.Contains("<Event", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("incident")]
    [InlineData("progress")]
    [InlineData("result")]
    [InlineData("escalation")]
    public async Task CardsSample_EveryKind_SameCardAsTheDevelopmentBuild(string kind)
    {
        var (exit, stdout, _) = await native.RunAsync("cards", "sample", kind);
        var expected = await RunDevelopmentBuildAsync("cards", "sample", kind);

        Assert.Equal((CliApp.Ok, expected.Stdout), (exit, stdout));
        Assert.Contains("AdaptiveCard", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "bench", "evtx", "--runs", "0" }, "The field Runs must be between 1 and 20.")]
    [InlineData(new[] { "probe", "ex01", "--timeout", "soon" }, "--timeout 'soon'")]
    [InlineData(new[] { "triage", "--window", "0m", "x" }, "window")]
    public async Task BadOptions_NativeBuild_RejectedAsByTheDevelopmentBuild(string[] args, string expected)
    {
        var (exit, stdout, stderr) = await native.RunAsync(args);
        var development = await RunDevelopmentBuildAsync(args);

        Assert.Equal((CliApp.UsageError, string.Empty), (exit, stdout));
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Equal(development.Stderr, stderr);
    }

    [Theory]
    [InlineData(new[] { "demo" }, "imapauto demo is in the development build only")]
    [InlineData(new[] { "bench", "incidents" }, "imapauto bench incidents is in the development build only")]
    public async Task DevelopmentOnlyCommand_NativeBuild_SaysHowToRunIt(string[] args, string expected)
    {
        var (exit, stdout, stderr) = await native.RunAsync(args);

        Assert.Equal((CliApp.UsageError, string.Empty), (exit, stdout));
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project src/ImapAutomation.Cli", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunDevelopmentBuildAsync(params string[] args)
    {
        // The process's streams write "\n" line ends like Console.Out on Linux; StringWriter would write the same.
        var stdout = new StringWriter(new StringBuilder()) { NewLine = "\n" };
        var stderr = new StringWriter(new StringBuilder()) { NewLine = "\n" };
        var exit = await CliApp.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
