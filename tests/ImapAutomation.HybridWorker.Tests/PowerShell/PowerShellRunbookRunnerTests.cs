using System.Text.Json.Nodes;
using ImapAutomation.HybridWorker.PowerShell;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImapAutomation.HybridWorker.Tests.PowerShell;

public sealed class PowerShellRunbookRunnerTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("imapauto-runner-");
    private readonly PowerShellRunbookRunner _runner = CreateRunner(new PowerShellRunnerOptions { MaxRunspaces = 2 });

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "PowerShell", "TestScripts", name);

    [Fact]
    public async Task RunAsync_ScriptReturningRunbookShape_SucceedsWithBeforeAfterAsJson()
    {
        var result = await _runner.RunAsync(
            new RunbookInvocation(Script("Set-LabThing.ps1"), new Dictionary<string, object?> { ["Server"] = "ex01", ["Limit"] = 200 }),
            CancellationToken.None);

        Assert.Equal(RunbookExecutionStatus.Succeeded, result.Status);
        var output = Assert.IsType<JsonObject>(result.Output);
        Assert.Equal(16L, (long)output["before"]!["limit"]!);
        Assert.Equal(200L, (long)output["after"]!["limit"]!);
        Assert.True((bool)output["changed"]!);
        Assert.Equal("limit on ex01 is 200", (string)output["messages"]![0]!);
        Assert.Contains("checked ex01", result.Verbose);
        Assert.Contains("limit requested: 200", result.Information);
    }

    [Fact]
    public async Task RunAsync_WhatIf_PassesThroughAndNothingChanges()
    {
        var result = await _runner.RunAsync(
            new RunbookInvocation(Script("Set-LabThing.ps1"), new Dictionary<string, object?> { ["Server"] = "ex01", ["Limit"] = 200 }) { WhatIf = true },
            CancellationToken.None);

        Assert.Equal(RunbookExecutionStatus.Succeeded, result.Status);
        Assert.False((bool)result.Output!["changed"]!);
        Assert.Equal(16L, (long)result.Output["after"]!["limit"]!);
    }

    [Fact]
    public async Task RunAsync_ScriptWritingErrors_FailsWithEveryStreamCaptured()
    {
        var result = await _runner.RunAsync(new RunbookInvocation(Script("Write-Streams.ps1"), new Dictionary<string, object?>()), CancellationToken.None);

        Assert.Equal(RunbookExecutionStatus.Failed, result.Status);
        Assert.Equal(2, result.Errors.Count);
        Assert.Contains("first problem", result.Errors[0], StringComparison.Ordinal);
        Assert.Equal(["certificate expires soon"], result.Warnings);
        Assert.Equal(["looking at ex01"], result.Verbose);
        Assert.Equal(["step 1 of 2"], result.Information);
        Assert.Equal("done", (string)result.Output!);
        Assert.Contains("2 error record", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TerminatingError_FailsWithTheMessage()
    {
        var result = await _runner.RunAsync(new RunbookInvocation(Script("Throw-Terminating.ps1"), new Dictionary<string, object?>()), CancellationToken.None);

        Assert.Equal(RunbookExecutionStatus.Failed, result.Status);
        Assert.Contains("ex01 is unreachable", result.FailureMessage, StringComparison.Ordinal);
        Assert.Equal(["about to fail"], result.Warnings);
    }

    [Fact]
    public async Task RunAsync_HangingScript_TimesOutStopsThePipelineAndThePoolKeepsServing()
    {
        var marker = Path.Combine(_temp.FullName, "marker.txt");

        var result = await _runner.RunAsync(
            new RunbookInvocation(Script("Wait-Forever.ps1"), new Dictionary<string, object?> { ["Marker"] = marker }) { Timeout = TimeSpan.FromSeconds(1) },
            CancellationToken.None);
        var next = await _runner.RunAsync(
            new RunbookInvocation(Script("Set-LabThing.ps1"), new Dictionary<string, object?> { ["Server"] = "ex02" }), CancellationToken.None);

        Assert.Equal(RunbookExecutionStatus.TimedOut, result.Status);
        Assert.Contains("timeout", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(result.Duration < TimeSpan.FromSeconds(30));
        Assert.False(File.Exists(marker));
        Assert.Equal(RunbookExecutionStatus.Succeeded, next.Status);
    }

    [Theory]
    [InlineData("ex01; Remove-Item -Recurse -Force TARGET")]
    [InlineData("$(Remove-Item -Recurse -Force TARGET)")]
    [InlineData("`$(Remove-Item TARGET)'; Remove-Item TARGET; '")]
    [InlineData("\"; Remove-Item TARGET #")]
    public async Task RunAsync_HostileParameterValue_ArrivesAsLiteralStringAndRunsNothing(string template)
    {
        var victim = Path.Combine(_temp.FullName, "victim");
        Directory.CreateDirectory(victim);
        var hostile = template.Replace("TARGET", victim, StringComparison.Ordinal);

        var result = await _runner.RunAsync(
            new RunbookInvocation(Script("Echo-Parameter.ps1"), new Dictionary<string, object?> { ["Server"] = hostile }), CancellationToken.None);

        Assert.Equal(RunbookExecutionStatus.Succeeded, result.Status);
        Assert.Equal(hostile, (string)result.Output!["server"]!);
        Assert.Equal("System.String", (string)result.Output["type"]!);
        Assert.True(Directory.Exists(victim));
    }

    [Fact]
    public async Task RunAsync_TypedParameters_BindAsValues()
    {
        var result = await _runner.RunAsync(
            new RunbookInvocation(Script("Echo-Parameter.ps1"), new Dictionary<string, object?>
            {
                ["Server"] = "ex01", ["Names"] = new[] { "a", "b" }, ["Count"] = 3L, ["Flag"] = true,
            }),
            CancellationToken.None);

        Assert.Equal("""["a","b"]""", result.Output!["names"]!.ToJsonString());
        Assert.Equal(3L, (long)result.Output["count"]!);
        Assert.True((bool)result.Output["flag"]!);
    }

    [Theory]
    [InlineData("WhatIf")]
    [InlineData("ErrorAction")]
    [InlineData("Server; rm")]
    [InlineData("-Server")]
    public async Task RunAsync_ReservedOrMalformedParameterName_ThrowsBeforeRunning(string name)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _runner.RunAsync(
            new RunbookInvocation(Script("Echo-Parameter.ps1"), new Dictionary<string, object?> { [name] = "x" }), CancellationToken.None));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("relative.ps1")]
    [InlineData("/no/such/script.ps1")]
    [InlineData("/etc/passwd")]
    public async Task RunAsync_BadScriptPath_Throws(string path)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _runner.RunAsync(new RunbookInvocation(path, new Dictionary<string, object?>()), CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_UnknownParameterOfTheScript_FailsAsABindingError()
    {
        var result = await _runner.RunAsync(
            new RunbookInvocation(Script("Echo-Parameter.ps1"), new Dictionary<string, object?> { ["Nope"] = "x" }), CancellationToken.None);

        Assert.Equal(RunbookExecutionStatus.Failed, result.Status);
        Assert.Contains("Nope", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ChattyScript_KeepsTheStreamWithinItsLimitAndFlagsIt()
    {
        using var runner = CreateRunner(new PowerShellRunnerOptions { MaxRunspaces = 1, MaxStreamChars = 4096 });

        var result = await runner.RunAsync(
            new RunbookInvocation(Script("Write-Chatty.ps1"), new Dictionary<string, object?> { ["Lines"] = 2000 }), CancellationToken.None);

        Assert.Equal(RunbookExecutionStatus.Succeeded, result.Status);
        Assert.True(result.StreamsTruncated);
        Assert.True(result.Verbose.Sum(l => l.Length) <= 4096);
        Assert.StartsWith("verbose line 000001", result.Verbose[0], StringComparison.Ordinal);
        Assert.Equal("finished", (string)result.Output!);
    }

    [Fact]
    public async Task RunAsync_ModuleToPreImport_IsAvailableToTheScript()
    {
        using var runner = CreateRunner(new PowerShellRunnerOptions
        {
            MaxRunspaces = 1, ModulesToImport = { Script(Path.Combine("LabModule", "LabModule.psm1")) },
        });

        var result = await runner.RunAsync(new RunbookInvocation(Script("Use-LabModule.ps1"), new Dictionary<string, object?>()), CancellationToken.None);

        Assert.Equal(RunbookExecutionStatus.Succeeded, result.Status);
        Assert.Equal("LabModule", (string)result.Output!["from"]!);
    }

    [Fact]
    public async Task RunAsync_RunsOneAfterAnother_ReuseTheWarmRunspace()
    {
        using var runner = CreateRunner(new PowerShellRunnerOptions { MaxRunspaces = 3 });
        await runner.WarmUpAsync(1, CancellationToken.None);

        for (var i = 0; i < 3; i++)
        {
            await runner.RunAsync(new RunbookInvocation(Script("Set-LabThing.ps1"), new Dictionary<string, object?> { ["Server"] = "ex01" }), CancellationToken.None);
        }

        Assert.Equal(1, runner.RunspacesCreated);
    }

    [Fact]
    public async Task RunAsync_CallerCancels_StopsAndThrows()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _runner.RunAsync(
            new RunbookInvocation(Script("Wait-Forever.ps1"), new Dictionary<string, object?> { ["Marker"] = Path.Combine(_temp.FullName, "m") }),
            cts.Token));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheSetting()
    {
        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => CreateRunner(new PowerShellRunnerOptions
        {
            Exchange = new ExchangeConnectionOptions { Mode = ExchangeConnectionMode.RemoteSession },
        }));

        Assert.Contains("ConnectionUri", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _runner.Dispose();
        _temp.Delete(recursive: true);
    }

    internal static PowerShellRunbookRunner CreateRunner(PowerShellRunnerOptions options) =>
        new(Options.Create(options), TimeProvider.System, NullLogger<PowerShellRunbookRunner>.Instance);
}
