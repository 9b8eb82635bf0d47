using ImapAutomation.Testing;

namespace ImapAutomation.Core.Tests;

/// <summary>One Azurite for every storage test of the suite; each test works in its own tables and queue.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteGroup : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
