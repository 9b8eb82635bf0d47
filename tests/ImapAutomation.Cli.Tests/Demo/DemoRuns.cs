using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImapAutomation.Testing;

namespace ImapAutomation.Cli.Tests.Demo;

/// <summary>The outcome of one <c>imapauto demo --json --replay</c> run, with its data folder kept for inspection.</summary>
public sealed record DemoOutcome(int Exit, JsonObject Summary, string Stderr, string DataFolder)
{
    public JsonObject Incident => Assert.Single(Summary["incidents"]!.AsArray())!.AsObject();

    public JsonObject LabServer(string fqdn) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(DataFolder, "lab", "state.json")))!["servers"]!.AsArray()
            .Select(s => s!.AsObject()).Single(s => string.Equals((string?)s["Fqdn"], fqdn, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// Runs each scenario of the demo once per test run (the runs are slow: real Azurite, PowerShell, Dovecot) and
/// shares the outcome between the tests that look at different parts of it.
/// </summary>
public sealed class DemoRuns : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task<DemoOutcome>>> _runs = new(StringComparer.Ordinal);
    private readonly string _root = Directory.CreateTempSubdirectory("imapauto-demo-tests-").FullName;

    public Task<DemoOutcome> RunAsync(string scenario, params string[] extra) =>
        _runs.GetOrAdd(scenario, name => new Lazy<Task<DemoOutcome>>(() => StartAsync(name, extra))).Value;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Dovecot may leave sockets owned by its own users; a temp folder left behind is harmless.
        }

        return Task.CompletedTask;
    }

    private async Task<DemoOutcome> StartAsync(string scenario, string[] extra)
    {
        var data = Path.Combine(_root, scenario);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(
            ["demo", "--scenario", scenario, "--json", "--replay", "--data", data, "--timeout", "150s", .. extra],
            stdout, stderr, CancellationToken.None);
        var text = stdout.ToString();
        Assert.False(string.IsNullOrWhiteSpace(text), $"demo {scenario} printed no summary (exit {exit}):\n{stderr}");
        JsonObject summary;
        try
        {
            summary = JsonNode.Parse(text)!.AsObject();
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"demo {scenario} did not print only the JSON summary ({ex.Message}):\n{text}\n{stderr}");
        }

        return new DemoOutcome(exit, summary, stderr.ToString(), data);
    }

    /// <summary>The repository's copy of the official Adaptive Card 1.5 schema (also used by the card builders' tests).</summary>
    public static string CardSchemaPath => RepoPaths.InRoot("tests", "ImapAutomation.Core.Tests", "Cards", "schemas", "adaptive-card-1.5.0.json");
}

[CollectionDefinition(Name)]
public sealed class DemoRunsDefinition : ICollectionFixture<DemoRuns>
{
    public const string Name = "demo end to end";
}
