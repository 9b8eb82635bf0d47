using System.Text.Json;
using ImapAutomation.Core.Contracts;
using static ImapAutomation.Core.Tests.Contracts.ContractSamples;

namespace ImapAutomation.Core.Tests.Contracts;

public sealed class RunbookContractTests
{
    private static readonly string RequestId = RunbookRequestIds.For("ex01/ImapCertificateBinding", 1, 0, 1);

    private static RunbookResult Result() => ContractSamples.Result();

    [Fact]
    public void SerializeParseResult_RoundTrips_CamelCaseAndEnumNames()
    {
        var json = RunbookContract.Serialize(Result());
        var parsed = RunbookContract.ParseResult(json);

        Assert.True(parsed.IsValid, parsed.Reason);
        Assert.Contains("\"status\":\"Succeeded\"", json, StringComparison.Ordinal);
        Assert.Contains("\"verification\":\"Passed\"", json, StringComparison.Ordinal);
        Assert.Equal("ex01.contoso.com", parsed.Value!.AfterState!.Value.GetProperty("x509CertificateName").GetString());
    }

    [Theory]
    [InlineData("""{"schemaVersion":3}""", "unsupported schemaVersion 3 (this build reads 2)")]
    [InlineData("""{"schemaVersion":1,"requestId":"0123456789abcdef0123456789abcdef"}""", "unsupported schemaVersion 1 (this build reads 2)")]
    [InlineData("""{"requestId":"x"}""", "schemaVersion is missing")]
    [InlineData("""{"schemaVersion":"1"}""", "schemaVersion is not an integer")]
    [InlineData("""[1]""", "not a JSON object")]
    [InlineData("""{"schemaVersion":2,""", "not valid JSON")]
    [InlineData("""{"schemaVersion":2,"requestId":"0123456789abcdef0123456789abcdef"}""", "invalid at $")]
    public void ParseResult_BadEnvelope_ReasonSaysWhat(string json, string reason)
    {
        var parsed = RunbookContract.ParseResult(json);

        Assert.False(parsed.IsValid);
        Assert.Contains(reason, parsed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseResult_UnknownStatus_RejectedAtItsPath()
    {
        var json = RunbookContract.Serialize(Result()).Replace("\"Succeeded\"", "\"Exploded\"", StringComparison.Ordinal);

        var parsed = RunbookContract.ParseResult(json);

        Assert.Contains("$.status", parsed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseRequest_UnknownMember_Rejected()
    {
        var json = RunbookContract.Serialize(Request()).Replace("{\"schemaVersion\":1,", "{\"schemaVersion\":1,\"script\":\"Remove-Item\",", StringComparison.Ordinal);

        var parsed = RunbookContract.ParseRequest(json);

        Assert.False(parsed.IsValid);
        Assert.Contains("script", parsed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseRequest_DuplicateMember_Rejected()
    {
        var json = RunbookContract.Serialize(Request()).Replace("{\"schemaVersion\":1,", "{\"schemaVersion\":1,\"targetServer\":\"ex99\",", StringComparison.Ordinal);

        Assert.False(RunbookContract.ParseRequest(json).IsValid);
    }

    [Fact]
    public void ParseRequest_LargerThanQueueLimit_Rejected()
    {
        var json = RunbookContract.Serialize(Request() with { IncidentId = new string('i', RunbookContract.MaxMessageBytes) });

        Assert.Contains("larger than", RunbookContract.ParseRequest(json).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseResult_OversizedStreamOrState_Rejected()
    {
        var longOutput = RunbookContract.Serialize(Result() with { Output = new string('o', RunbookResult.MaxStreamChars + 1) });
        var bigState = RunbookContract.Serialize(Result() with { AfterState = JsonOf(JsonSerializer.Serialize(new string('s', RunbookResult.MaxStateChars))) });

        Assert.Contains("output or error stream", RunbookContract.ParseResult(longOutput).Reason, StringComparison.Ordinal);
        Assert.Contains("afterState", RunbookContract.ParseResult(bigState).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseResult_MalformedRequestIdOrTimes_Rejected()
    {
        Assert.False(RunbookContract.ParseResult(RunbookContract.Serialize(Result() with { RequestId = "../../etc" })).IsValid);
        Assert.Contains("completedAt is before startedAt",
            RunbookContract.ParseResult(RunbookContract.Serialize(Result() with { CompletedAt = Now.AddSeconds(-1) })).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void BoundStream_LongText_KeepsTheEndWithinTheLimit()
    {
        var text = new string('a', 20_000) + "ERROR at the end";

        var bounded = RunbookResult.BoundStream(text);

        Assert.Equal(RunbookResult.MaxStreamChars, bounded.Length);
        Assert.StartsWith("[truncated]", bounded, StringComparison.Ordinal);
        Assert.EndsWith("ERROR at the end", bounded, StringComparison.Ordinal);
    }

    [Fact]
    public void RequestIds_SameInputsSameId_AnyChangeAnotherId()
    {
        var id = RunbookRequestIds.For("ex01/Kind", 1, 2, 1);

        Assert.Equal(id, RunbookRequestIds.For("ex01/Kind", 1, 2, 1));
        Assert.True(RunbookRequestIds.IsWellFormed(id));
        Assert.Equal(4, new[] { id, RunbookRequestIds.For("ex01/Kind", 2, 2, 1), RunbookRequestIds.For("ex01/Kind", 1, 3, 1), RunbookRequestIds.For("ex01/Kind", 1, 2, 2) }.Distinct().Count());
    }
}
