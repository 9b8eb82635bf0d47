using ImapAutomation.Core.Catalog;
using ImapAutomation.HybridWorker.Verification;
using Microsoft.Extensions.Configuration;

namespace ImapAutomation.HybridWorker.Tests.Verification;

public sealed class VerificationOptionsTests
{
    [Fact]
    public void ProbeAfterRunbooks_NothingConfigured_IsTheRestartNotTheCertificateChange()
    {
        var options = Bind([]);

        Assert.Equal([RunbookNames.RestartImapServices], options.ProbeAfterRunbooks);
    }

    [Fact]
    public void ProbeAfterRunbooks_ListConfigured_ReplacesTheDefaultRatherThanAddingToIt()
    {
        var options = Bind(new() { ["ProbeAfter:0"] = RunbookNames.SetImapCertificate });

        Assert.Equal([RunbookNames.SetImapCertificate], options.ProbeAfterRunbooks);
    }

    [Fact]
    public void ProbeAfterRunbooks_ProbeAfterChangesOff_IsEmpty()
    {
        var options = Bind(new() { ["ProbeAfterChanges"] = "false", ["ProbeAfter:0"] = RunbookNames.SetImapCertificate });

        Assert.Empty(options.ProbeAfterRunbooks);
    }

    [Fact]
    public void Validate_ProbeAfterNamesNoCatalogRunbook_NamesIt()
    {
        var options = Bind(new() { ["ProbeAfter:0"] = "Restart-Everything" });

        var problems = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Contains(problems, p => p.ErrorMessage!.Contains("'Restart-Everything'", StringComparison.Ordinal));
    }

    private static VerificationOptions Bind(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().Get<VerificationOptions>() ?? new VerificationOptions();
}
