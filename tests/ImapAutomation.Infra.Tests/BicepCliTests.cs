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
        // infra/bicepconfig.json raises the rules that matter to errors; a file under infra/ that breaks one must fail.
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

    /// <summary>Lints a throw-away file placed under infra/ so that infra/bicepconfig.json applies to it.</summary>
    private static async Task<BicepRun> LintProbeAsync(string content)
    {
        var probe = RepoPaths.InRoot("infra", $"lint-probe-{Guid.NewGuid():N}.bicep");
        await File.WriteAllTextAsync(probe, content);
        try
        {
            return await BicepCli.RunAsync(["lint", probe], CancellationToken.None);
        }
        finally
        {
            File.Delete(probe);
        }
    }
}
