using ImapAutomation.Testing;

namespace ImapAutomation.Infra.Tests;

[Collection(CompiledTemplateGroup.Name)]
public sealed class BicepCliTests(CompiledTemplateFixture fixture)
{
    [Fact]
    public void Build_MainTemplate_ExitsZeroWithoutDiagnostics()
    {
        Assert.True(fixture.Build.ExitCode == 0, fixture.Build.Output);
        Assert.Empty(fixture.Build.Diagnostics);
    }

    [Fact]
    public async Task Lint_EveryBicepFile_ReportsNoWarningsOrErrors()
    {
        // One process for every file (the CLI starts slowly); main.bicep alone would skip a module it no longer uses.
        var files = Directory.GetFiles(RepoPaths.InRoot("infra"), "*.bicep", SearchOption.AllDirectories);
        Assert.True(files.Length >= 10, $"only {files.Length} .bicep files under infra/");

        var run = await BicepCli.RunAsync(["lint", "--pattern", "infra/**/*.bicep"], CancellationToken.None);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Empty(run.Diagnostics);
    }

    [Fact]
    public async Task Lint_FileWithUnusedParameter_IsCaughtByTheRepositoryRules()
    {
        // infra/bicepconfig.json raises the rules that matter to errors; a file that breaks one must fail.
        var run = await LintProbeAsync("param unused string\n");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(run.Diagnostics, d => d.Contains("Error no-unused-params", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lint_OutputOfListKeys_IsAnError()
    {
        var run = await LintProbeAsync("""
            resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
              name: 'probe'
            }

            output key string = storage.listKeys().keys[0].value
            """);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(run.Diagnostics, d => d.Contains("Error outputs-should-not-contain-secrets", StringComparison.Ordinal));
    }

    /// <summary>Lints a throw-away file in a temp folder beside a copy of infra/bicepconfig.json (the rules under test).</summary>
    private static async Task<BicepRun> LintProbeAsync(string content)
    {
        var folder = Directory.CreateTempSubdirectory("imapauto-lint-probe-").FullName;
        try
        {
            File.Copy(RepoPaths.InRoot("infra", "bicepconfig.json"), Path.Combine(folder, "bicepconfig.json"));
            var probe = Path.Combine(folder, "probe.bicep");
            await File.WriteAllTextAsync(probe, content);
            return await BicepCli.RunAsync(["lint", probe], CancellationToken.None);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
