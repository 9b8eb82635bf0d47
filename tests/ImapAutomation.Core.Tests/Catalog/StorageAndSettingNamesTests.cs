using System.Text.RegularExpressions;
using ImapAutomation.Core.Catalog;

namespace ImapAutomation.Core.Tests.Catalog;

public sealed partial class StorageAndSettingNamesTests
{
    [Fact]
    public void Queues_EveryName_IsAValidAzureQueueName()
    {
        // 3-63 characters, lowercase letters, digits and single hyphens, starting and ending with a letter or digit.
        Assert.All(StorageNames.Queues, name => Assert.Matches(QueueName(), name));
        Assert.Equal(StorageNames.Queues.Count, StorageNames.Queues.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Queues_EveryWorkingQueue_HasItsPoisonQueue()
    {
        foreach (var queue in new[] { StorageNames.RequestsQueue, StorageNames.ResultsQueue, StorageNames.InboundQueue })
        {
            Assert.Contains(queue + StorageNames.PoisonSuffix, StorageNames.Queues);
        }
    }

    [Fact]
    public void Tables_EveryName_IsAValidAzureTableName()
    {
        Assert.All(StorageNames.Tables, name => Assert.Matches("^[A-Za-z][A-Za-z0-9]{2,62}$", name));
    }

    [Fact]
    public void SettingNames_AllLists_AreDistinctAndKeyVaultOnesAreAlwaysSet()
    {
        var all = SettingNames.Always.Concat(SettingNames.Automation).ToList();

        Assert.Equal(all.Count, all.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(SettingNames.FromKeyVault, name => Assert.Contains(name, SettingNames.Always));
        // Linux app settings allow letters, digits and underscores only; "__" is the configuration section separator.
        Assert.All(all, name => Assert.Matches("^[A-Za-z][A-Za-z0-9_]*$", name));
    }

    [Fact]
    public void SecretNames_EveryName_IsAValidKeyVaultSecretName()
    {
        Assert.All(
            new[] { SecretNames.RunbookSigningCurrentKey, SecretNames.RunbookSigningPreviousKey, SecretNames.TeamsWorkflowUrl },
            name => Assert.Matches("^[0-9A-Za-z-]{1,127}$", name));
    }

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9](-?[a-z0-9])*$")]
    private static partial Regex QueueName();
}
