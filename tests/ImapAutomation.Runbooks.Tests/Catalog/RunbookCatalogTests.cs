using ImapAutomation.Core.Catalog;
using ImapAutomation.Testing;

namespace ImapAutomation.Runbooks.Tests.Catalog;

public sealed class RunbookCatalogTests
{
    // Test-ImapTls is the C# TLS probe of the hybrid worker, not a PowerShell runbook.
    private static readonly string[] PowerShellRunbooks = RunbookNames.All.Where(n => n != RunbookNames.TestImapTls).ToArray();

    [Fact]
    public void RunbookNames_EveryPowerShellRunbook_HasAScript()
    {
        var missing = PowerShellRunbooks.Where(n => !File.Exists(ExchangeLabPaths.Runbook(n))).ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void RunbooksFolder_EveryScript_IsInTheCatalog()
    {
        var scripts = Directory.GetFiles(RepoPaths.InRoot("runbooks"), "*.ps1").Select(Path.GetFileNameWithoutExtension);

        Assert.Equal(PowerShellRunbooks.Order(StringComparer.Ordinal), scripts.Order(StringComparer.Ordinal));
    }
}
