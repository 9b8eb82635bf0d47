using System.ComponentModel.DataAnnotations;

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
}
