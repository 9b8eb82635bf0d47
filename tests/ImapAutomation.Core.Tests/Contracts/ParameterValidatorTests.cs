using System.Text.Json;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using static ImapAutomation.Core.Tests.Contracts.ContractSamples;

namespace ImapAutomation.Core.Tests.Contracts;

public sealed class ParameterValidatorTests
{
    private static IReadOnlyList<string> Check(string runbook, string parameterJson, string server = "ex01.contoso.com") =>
        ParameterValidator.Validate(runbook, server,
            JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(parameterJson)!);

    [Theory]
    [InlineData("ex01")]
    [InlineData("EX01.contoso.com")]
    [InlineData("mail-01.eu.contoso.com")]
    public void Validate_HostNames_Accepted(string server) =>
        Assert.Empty(Check(RunbookNames.RestartImapServices, "{}", server));

    [Theory]
    [InlineData(@"ex01; Remove-Item C:\ -Recurse")]
    [InlineData("ex01$(Stop-Computer)")]
    [InlineData("ex01\n")]
    [InlineData("ex01 ")]
    [InlineData("-ex01")]
    [InlineData("ex01..contoso.com")]
    [InlineData("'ex01'")]
    [InlineData("")]
    public void Validate_HostileServerNames_Rejected(string server)
    {
        var errors = Check(RunbookNames.RestartImapServices, "{}", server);

        Assert.Contains(errors, e => e.Contains("is not a DNS host name", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(253, true)]
    [InlineData(254, false)]
    [InlineData(255, false)]
    public void IsHostName_AtTheDnsLengthLimit_OnlyUpTo253Characters(int length, bool valid)
    {
        // Labels of 63 characters, dot-separated, cut to the length: still valid names except for their length.
        var name = string.Join('.', Enumerable.Repeat(new string('a', 63), 5))[..length].TrimEnd('.');
        name = name.Length < length ? name + "b" : name;

        Assert.Equal(valid, ParameterValidator.IsHostName(name));
    }

    [Fact]
    public void IsHostName_LabelLongerThan63_Rejected() =>
        Assert.False(ParameterValidator.IsHostName(new string('a', 64) + ".contoso.com"));

    [Fact]
    public void Validate_TenKilobyteServerName_RejectedWithShortenedEcho()
    {
        var errors = Check(RunbookNames.RestartImapServices, "{}", new string('a', 10 * 1024));

        var error = Assert.Single(errors);
        Assert.Contains("(10240 chars)", error, StringComparison.Ordinal);
        Assert.True(error.Length < 200);
    }

    [Fact]
    public void Validate_TenKilobyteStringParameter_RejectedAsTooLong()
    {
        var errors = Check(RunbookNames.SetImapThrottlingPolicy, $$"""{"Identity":"{{new string('x', 10 * 1024)}}"}""");

        Assert.Contains("parameter 'Identity' is 10240 characters long, at most 64 allowed", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"MaxConnectionsPerUser":1}""")]
    [InlineData("""{"MaxConnectionsPerUser":2147483647}""")]
    [InlineData("""{"MaxCommandSize":1024,"MaxConnections":5}""")]
    public void Validate_IntegersInRange_Accepted(string json) =>
        Assert.Empty(Check(RunbookNames.SetImapConnectionLimits, json));

    [Theory]
    [InlineData("""{"MaxConnectionsPerUser":0}""", "must be an integer 1..2147483647, got number '0'")]
    [InlineData("""{"MaxConnectionsPerUser":2147483648}""", "must be an integer 1..2147483647")]
    [InlineData("""{"MaxConnectionsPerUser":"200000"}""", "got string '200000'")]
    [InlineData("""{"MaxConnectionsPerUser":2.5}""", "got number '2.5'")]
    [InlineData("""{"MaxConnectionsPerUser":true}""", "got boolean")]
    [InlineData("""{"MaxConnectionsPerUser":[1]}""", "got an array")]
    [InlineData("""{"MaxCommandSize":16385}""", "must be an integer 1024..16384")]
    [InlineData("""{"MaxConnectionsPerUser":1,"maxconnectionsperuser":2}""", "is given twice")]
    [InlineData("""{"Confirm":false}""", "'Confirm' is not a parameter of Set-ImapConnectionLimits")]
    public void Validate_WrongTypesAndRanges_RejectedWithReason(string json, string reason)
    {
        var errors = Check(RunbookNames.SetImapConnectionLimits, json);

        Assert.Contains(errors, e => e.Contains(reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789ABCDEF01234567", true)]
    [InlineData("0123456789abcdef0123456789abcdef0123456", false)]
    [InlineData("0123456789abcdef0123456789abcdef0123456g", false)]
    [InlineData("0123456789abcdef0123456789abcdef01234567; rm", false)]
    public void Validate_Thumbprint_Exactly40Hex(string thumbprint, bool valid) =>
        Assert.Equal(valid, Check(RunbookNames.SetImapCertificate, $$"""{"Thumbprint":"{{thumbprint}}"}""").Count == 0);

    [Theory]
    [InlineData("10MB", true)]
    [InlineData("1 GB", true)]
    [InlineData("512KB", false)]
    [InlineData("2GB", false)]
    [InlineData("10MB; Restart-Computer", false)]
    [InlineData("99999999999999GB", false)]
    public void Validate_ByteSize_WithinBounds(string size, bool valid) =>
        Assert.Equal(valid, Check(RunbookNames.SetImapProtocolLogQuota, $$"""{"LogPerFileSizeQuota":"{{size}}"}""").Count == 0);

    [Fact]
    public void Validate_RequiredParameterMissing_Rejected() =>
        Assert.Contains("'LogPerFileSizeQuota' is required", Assert.Single(Check(RunbookNames.SetImapProtocolLogQuota, "{}")), StringComparison.Ordinal);

    [Fact]
    public void Validate_TooManyParameters_Rejected()
    {
        var many = Enumerable.Range(0, 17).ToDictionary(i => "P" + i, _ => JsonOf("1"));

        Assert.Contains("at most 16", Assert.Single(ParameterValidator.Validate(RunbookNames.SetImapConnectionLimits, "ex01", many)), StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_EveryCatalogRunbook_PassTheirOwnValidation()
    {
        foreach (var definition in RunbookCatalog.Definitions.Values)
        {
            Assert.Empty(ParameterValidator.Validate(definition.Name, "ex01.contoso.com", ParameterValidator.Defaults(definition)));
        }
    }
}
