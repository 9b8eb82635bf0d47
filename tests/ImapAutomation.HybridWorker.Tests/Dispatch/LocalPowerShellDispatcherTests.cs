using ImapAutomation.HybridWorker.Dispatch;
using ImapAutomation.HybridWorker.PowerShell;
using ImapAutomation.HybridWorker.Tests.PowerShell;
using Microsoft.Extensions.Options;

namespace ImapAutomation.HybridWorker.Tests.Dispatch;

public sealed class LocalPowerShellDispatcherTests : IDisposable
{
    private readonly DirectoryInfo _catalog = Directory.CreateTempSubdirectory("imapauto-catalog-");
    private readonly PowerShellRunbookRunner _runner = PowerShellRunbookRunnerTests.CreateRunner(new PowerShellRunnerOptions { MaxRunspaces = 1 });

    public LocalPowerShellDispatcherTests()
    {
        // A catalog name backed by a test script with the runbook shape (the real runbooks are issue 6's).
        File.Copy(PowerShellRunbookRunnerTests.Script("Set-LabThing.ps1"), Path.Combine(_catalog.FullName, "Set-ImapConnectionLimits.ps1"));
    }

    [Fact]
    public async Task DispatchAsync_CatalogRunbook_FillsBeforeAfterChangedMessages()
    {
        var id = Guid.NewGuid();

        var outcome = await Dispatcher().DispatchAsync(
            new RunbookDispatch(id, "Set-ImapConnectionLimits", "ex01", new Dictionary<string, object?> { ["Limit"] = 200L }), CancellationToken.None);

        Assert.Equal(RunbookOutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(id, outcome.RequestId);
        Assert.Equal(16L, (long)outcome.Before!["limit"]!);
        Assert.Equal(200L, (long)outcome.After!["limit"]!);
        Assert.Equal("ex01", (string)outcome.After["server"]!);
        Assert.True(outcome.Changed);
        Assert.Equal(["limit on ex01 is 200"], outcome.Messages);
        Assert.Equal(LocalPowerShellDispatcher.BackendName, outcome.Backend);
    }

    [Fact]
    public async Task DispatchAsync_WhatIf_ReportsNoChange()
    {
        var outcome = await Dispatcher().DispatchAsync(
            new RunbookDispatch(Guid.NewGuid(), "Set-ImapConnectionLimits", "ex01", new Dictionary<string, object?> { ["Limit"] = 200L }) { WhatIf = true },
            CancellationToken.None);

        Assert.True(outcome.WhatIf);
        Assert.False(outcome.Changed);
    }

    [Theory]
    [InlineData("Remove-Everything")]
    [InlineData("../Set-ImapConnectionLimits")]
    [InlineData("Set-ImapConnectionLimits.ps1; rm -rf /")]
    public async Task DispatchAsync_NameNotInCatalog_Throws(string runbook)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Dispatcher().DispatchAsync(
            new RunbookDispatch(Guid.NewGuid(), runbook, "ex01", new Dictionary<string, object?>()), CancellationToken.None));

        Assert.Contains("not in the catalog", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DispatchAsync_ServerParameterContradictingTheTarget_Throws()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Dispatcher().DispatchAsync(
            new RunbookDispatch(Guid.NewGuid(), "Set-ImapConnectionLimits", "ex01", new Dictionary<string, object?> { ["server"] = "ex02" }),
            CancellationToken.None));

        Assert.Contains("contradicts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveScript_RelativeRoot_IsUnderTheExecutablesFolder()
    {
        var script = LocalPowerShellDispatcher.ResolveScript("runbooks", "Set-ImapCertificate");

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "runbooks", "Set-ImapCertificate.ps1"), script);
    }

    public void Dispose()
    {
        _runner.Dispose();
        _catalog.Delete(recursive: true);
    }

    private LocalPowerShellDispatcher Dispatcher() =>
        new(_runner, Options.Create(new RunbookCatalogOptions { RunbookRoot = _catalog.FullName }), TimeProvider.System);
}
