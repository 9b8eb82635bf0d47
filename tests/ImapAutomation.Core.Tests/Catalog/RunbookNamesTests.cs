using ImapAutomation.Core.Catalog;

namespace ImapAutomation.Core.Tests.Catalog;

public sealed class RunbookNamesTests
{
    [Fact]
    public void All_ListsEveryCatalogRunbookOnceInVerbNounForm()
    {
        Assert.Equal(9, RunbookNames.All.Count);
        Assert.Equal(RunbookNames.All.Count, RunbookNames.All.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(RunbookNames.All, name => Assert.Matches("^[A-Z][a-z]+-Imap|^[A-Z][a-z]+-Store", name));
    }
}
