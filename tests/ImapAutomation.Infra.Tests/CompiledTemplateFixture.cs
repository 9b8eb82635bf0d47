using System.Text.Json.Nodes;
using ImapAutomation.Testing;

namespace ImapAutomation.Infra.Tests;

/// <summary>Compiles infra/main.bicep once (offline, into a temp folder) and keeps the ARM JSON for every test.</summary>
public sealed class CompiledTemplateFixture : IAsyncLifetime
{
    private readonly string _outputDirectory = Path.Combine(Path.GetTempPath(), $"imapauto-bicep-{Guid.NewGuid():N}");
    private JsonObject? _json;

    public static string MainBicep => RepoPaths.InRoot("infra", "main.bicep");

    internal BicepRun Build { get; private set; } = new(-1, "not run");

    /// <summary>A fresh copy each time, so a test that tampers with it cannot disturb another.</summary>
    internal ArmTemplate Template => ArmTemplate.Load(
        (JsonObject)(_json ?? throw new InvalidOperationException($"bicep build failed:\n{Build.Output}")).DeepClone());

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_outputDirectory);
        Build = await BicepCli.RunAsync(["build", MainBicep, "--outdir", _outputDirectory], CancellationToken.None);
        var compiled = Path.Combine(_outputDirectory, "main.json");
        if (Build.ExitCode == 0 && File.Exists(compiled))
        {
            _json = JsonNode.Parse(await File.ReadAllTextAsync(compiled))!.AsObject();
        }
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_outputDirectory))
        {
            Directory.Delete(_outputDirectory, recursive: true);
        }

        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class CompiledTemplateGroup : ICollectionFixture<CompiledTemplateFixture>
{
    public const string Name = "compiled template";
}
