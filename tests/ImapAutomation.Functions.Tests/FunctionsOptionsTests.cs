using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Functions.Tests;

public sealed class FunctionsOptionsTests
{
    [Theory]
    [InlineData("function-key@imapautomation.invalid", "lead@contoso.com", null)]
    [InlineData("function key", "lead@contoso.com", "FunctionKeyIdentity")]
    [InlineData("system", "lead@contoso.com", "FunctionKeyIdentity")]
    [InlineData("automation@contoso.com", "Automation@contoso.com", "never approves")]
    public void Validate_FunctionKeyIdentity_MustBeAUpnThatIsNoApprover(string identity, string approver, string? error)
    {
        var options = new FunctionsOptions { Servers = ["exch01.contoso.com"], Approvers = [approver], FunctionKeyIdentity = identity };
        var results = new List<ValidationResult>();

        var valid = Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);

        Assert.Equal(error is null, valid);
        if (error is not null)
        {
            Assert.Contains(results, r => r.ErrorMessage!.Contains(error, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void AddImapAutomationServices_ServerListAsInfraSetsIt_JoinsTheIndexedServers()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Functions:Servers:0"] = "exch01.contoso.com",
            ["Functions:ServerList"] = " EXCH02.contoso.com, exch03.contoso.com ,,",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddImapAutomationServices(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<FunctionsOptions>>().Value;

        Assert.Equal(["exch01.contoso.com", "EXCH02.contoso.com", "exch03.contoso.com"], options.Servers);
        Assert.True(options.IsKnownServer("exch02.contoso.com"));
    }

    [Theory]
    [InlineData("IdentityHeaders", "AppServiceAuthentication", null)]
    [InlineData("IdentityHeaders", "trusted", null)]
    [InlineData("IdentityHeaders", "7", "Functions:IdentityHeaders must be AppServiceAuthentication or Trusted")]
    [InlineData("IdentityHeaders", "Always", "IdentityHeaders")]
    [InlineData("ApproverSource", "List", null)]
    [InlineData("ApproverSource", "graphgroup", null)]
    [InlineData("ApproverSource", "7", "Functions:ApproverSource must be List or GraphGroup")]
    [InlineData("ApproverSource", "Everyone", "'Everyone' at 'Functions:ApproverSource'")]
    public void AddImapAutomationServices_ChoiceSetting_InvalidValueRefusedOnStartNotAtRegistration(string setting, string value, string? error)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Functions:Servers:0"] = "exch01.contoso.com",
            [$"Functions:{setting}"] = value,
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddImapAutomationServices(configuration).BuildServiceProvider();

        // What ValidateOnStart makes the host do before the first request: bind and validate (other sections are not set here).
        var exception = Record.Exception(() => provider.GetRequiredService<IOptions<FunctionsOptions>>().Value);

        if (error is null)
        {
            Assert.Null(exception);
        }
        else
        {
            Assert.Contains(error, Assert.IsAssignableFrom<Exception>(exception).ToString(), StringComparison.Ordinal);
        }
    }
}
