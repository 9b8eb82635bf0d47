using Azure.Data.Tables;
using Azure.Storage.Queues;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Core.Tests.Incidents;

public sealed class IncidentServiceCollectionExtensionsTests
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray());

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddIncidentEngine(
            _ => new TableServiceClient("UseDevelopmentStorage=true"),
            _ => new QueueServiceClient("UseDevelopmentStorage=true"));
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddIncidentEngine_ValidConfiguration_BindsPolicyAndBuildsTheEngine()
    {
        using var provider = Build(new()
        {
            ["RunbookSigning:CurrentKeyId"] = "k1",
            ["RunbookSigning:CurrentKey"] = Key,
            ["Policy:Cooldown"] = "00:10:00",
            ["Policy:ApprovalRequired:Set-ImapConnectionLimits"] = "false",
            ["Policy:DatabaseAvailabilityGroups:ex01"] = "dag1",
        });

        provider.GetRequiredService<IStartupValidator>().Validate();

        var policy = provider.GetRequiredService<IOptions<PolicyOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(10), policy.Cooldown);
        Assert.False(policy.NeedsApproval("Set-ImapConnectionLimits"));
        Assert.Equal("dag1", policy.DagOf("EX01.contoso.com"));
        Assert.NotNull(provider.GetRequiredService<IncidentEngine>());
        Assert.NotNull(provider.GetRequiredService<IncidentBatcher>());
        Assert.Equal("k1", provider.GetRequiredService<RunbookKeyRing>().CurrentKeyId);
    }

    [Theory]
    [InlineData("Policy:MaxAttempts", "0", "MaxAttempts")]
    [InlineData("Policy:ApprovalRequired:Remove-Mailbox", "false", "Remove-Mailbox")]
    [InlineData("RunbookSigning:CurrentKey", "c2hvcnQ=", "at least 32 bytes")]
    [InlineData("RunbookSigning:CurrentKeyId", "k 1; rm", "CurrentKeyId")]
    public void AddIncidentEngine_BadSetting_FailsOnStartNamingIt(string key, string value, string expected)
    {
        using var provider = Build(new()
        {
            ["RunbookSigning:CurrentKeyId"] = "k1",
            ["RunbookSigning:CurrentKey"] = Key,
            [key] = value,
        });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddIncidentEngine_NoSigningKey_FailsOnStart()
    {
        using var provider = Build([]);

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
    }
}
