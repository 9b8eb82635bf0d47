using System.Text.Json;
using System.Text.Json.Nodes;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using Microsoft.Extensions.Time.Testing;
using static ImapAutomation.Core.Tests.Contracts.ContractSamples;

namespace ImapAutomation.Core.Tests.Contracts;

public sealed class RunbookRequestVerifierTests
{
    private readonly FakeTimeProvider _time = new(Now.AddMinutes(5));

    private RunbookRequestVerifier Verifier(RunbookKeyRing? ring = null) =>
        new(ring ?? Ring(), _time, new RunbookSigningOptions());

    private static string SignedJson(RunbookRequest? request = null, RunbookKeyRing? ring = null) =>
        RunbookContract.Serialize(new RunbookRequestSigner(ring ?? Ring()).Sign(request ?? Request()));

    [Fact]
    public void Verify_SignedRequestRoundTripsThroughJson_IsValid()
    {
        var result = Verifier().Verify(SignedJson());

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(200000, result.Request!.Parameters["MaxConnectionsPerUser"].GetInt64());
        Assert.Equal("k2", result.Request.KeyId);
    }

    [Fact]
    public void Verify_ReformattedJsonWithReorderedMembers_StillValid()
    {
        var node = JsonNode.Parse(SignedJson())!.AsObject();
        var reordered = new JsonObject(node.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));

        var result = Verifier().Verify(reordered.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        Assert.True(result.IsValid, result.Reason);
    }

    [Theory]
    [InlineData("targetServer", "\"ex02.contoso.com\"")]
    [InlineData("runbook", "\"Disable-ImapNtlm\"")]
    [InlineData("approvedBy", "\"mallory@contoso.com\"")]
    [InlineData("expiresAt", "\"2026-10-20T09:00:00+00:00\"")]
    [InlineData("requestId", "\"00000000000000000000000000000000\"")]
    public void Verify_TamperedField_RejectedAsBadSignature(string field, string value)
    {
        var node = JsonNode.Parse(SignedJson())!.AsObject();
        node[field] = JsonNode.Parse(value);

        var result = Verifier().Verify(node.ToJsonString());

        Assert.Equal(RequestRejection.BadSignature, result.Rejection);
        Assert.Contains("does not match", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_WhatIfAddedOrRemovedAfterSigning_RejectedAsBadSignature()
    {
        var dryRun = JsonNode.Parse(SignedJson(Request() with { WhatIf = true }))!.AsObject();
        var real = JsonNode.Parse(SignedJson())!.AsObject();
        Assert.True(Verifier().Verify(dryRun.ToJsonString()).IsValid);
        Assert.False(real.ContainsKey("whatIf"));

        dryRun.Remove("whatIf");
        real["whatIf"] = true;

        Assert.Equal(RequestRejection.BadSignature, Verifier().Verify(dryRun.ToJsonString()).Rejection);
        Assert.Equal(RequestRejection.BadSignature, Verifier().Verify(real.ToJsonString()).Rejection);
    }

    [Fact]
    public void Verify_TamperedParameterValue_RejectedAsBadSignature()
    {
        var node = JsonNode.Parse(SignedJson())!.AsObject();
        node["parameters"]!["MaxConnectionsPerUser"] = 16;

        Assert.Equal(RequestRejection.BadSignature, Verifier().Verify(node.ToJsonString()).Rejection);
    }

    [Fact]
    public void Verify_SignedWithAnotherKeyUnderTheCurrentId_RejectedAsBadSignature()
    {
        var forger = new RunbookKeyRing("k2", Key(9));

        var result = Verifier().Verify(SignedJson(ring: forger));

        Assert.Equal(RequestRejection.BadSignature, result.Rejection);
    }

    [Fact]
    public void Verify_UnsignedOrGarbageSignature_Rejected()
    {
        var unsigned = Verifier().Verify(RunbookContract.Serialize(Request()));
        var node = JsonNode.Parse(SignedJson())!.AsObject();
        node["signature"] = "not base64!";
        var garbage = Verifier().Verify(node.ToJsonString());

        Assert.Equal(RequestRejection.BadSignature, unsigned.Rejection);
        Assert.Contains("not signed", unsigned.Reason, StringComparison.Ordinal);
        Assert.Equal(RequestRejection.BadSignature, garbage.Rejection);
    }

    [Fact]
    public void Verify_UnknownKeyId_RejectedNamingTheKey()
    {
        var result = Verifier().Verify(SignedJson(ring: new RunbookKeyRing("k0", Key(2))));

        Assert.Equal(RequestRejection.UnknownKey, result.Rejection);
        Assert.Contains("'k0'", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_SignedWithPreviousKeyAfterRotation_IsValid_ButNotOnceItIsDropped()
    {
        var beforeRotation = SignedJson(ring: new RunbookKeyRing("k1", Key(1)));

        Assert.True(Verifier(Ring("k2", "k1")).Verify(beforeRotation).IsValid);
        Assert.Equal(RequestRejection.UnknownKey, Verifier(Ring("k3", "k2")).Verify(beforeRotation).Rejection);
    }

    [Fact]
    public void Verify_AfterExpiry_RejectedAsExpired()
    {
        var json = SignedJson();
        _time.Advance(TimeSpan.FromHours(1));

        var result = Verifier().Verify(json);

        Assert.Equal(RequestRejection.Expired, result.Rejection);
        Assert.Contains("expired at", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_BeforeNotBeforeBeyondSkew_RejectedAsNotYetValid()
    {
        var early = new RunbookRequestVerifier(Ring(), new FakeTimeProvider(Now.AddMinutes(-10)), new RunbookSigningOptions());

        Assert.Equal(RequestRejection.NotYetValid, early.Verify(SignedJson()).Rejection);
    }

    [Fact]
    public void Verify_LifetimeLongerThanAllowed_Rejected()
    {
        var json = SignedJson(Request() with { ExpiresAt = Now.AddDays(30) });

        var result = Verifier().Verify(json);

        Assert.Equal(RequestRejection.InvalidContent, result.Rejection);
        Assert.Contains("validity window", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, "unsupported schemaVersion 2 (this build reads 1)")]
    [InlineData(0, "unsupported schemaVersion 0")]
    public void Verify_UnknownSchemaVersion_RejectedWithReason(int version, string reason)
    {
        var node = JsonNode.Parse(SignedJson())!.AsObject();
        node["schemaVersion"] = version;

        var result = Verifier().Verify(node.ToJsonString());

        Assert.Equal(RequestRejection.UnsupportedSchema, result.Rejection);
        Assert.Contains(reason, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_UnknownRunbookEvenIfSigned_RejectedAsInvalidContent()
    {
        var request = Request() with { Runbook = "Invoke-Expression", Parameters = new Dictionary<string, JsonElement>() };
        var canonical = RunbookRequestCanonicalForm.Compute(request, "k2");
        var signed = request with { KeyId = "k2", Signature = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(Key(2), canonical)) };

        var result = Verifier().Verify(RunbookContract.Serialize(signed));

        Assert.Equal(RequestRejection.InvalidContent, result.Rejection);
        Assert.Contains("runbook 'Invoke-Expression' is not in the catalog", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_HostileServerName_RefusedBeforeSigning()
    {
        var signer = new RunbookRequestSigner(Ring());

        var ex = Assert.Throws<ArgumentException>(() => signer.Sign(Request(server: @"ex01; Remove-Item C:\ -Recurse")));

        Assert.Contains("targetServer 'ex01; Remove-Item C:\\ -Recurse' is not a DNS host name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_UnknownRunbook_Refused()
    {
        var signer = new RunbookRequestSigner(Ring());

        Assert.Throws<ArgumentException>(() => signer.Sign(Request(runbook: "Remove-Mailbox")));
    }

    [Fact]
    public void KeyRing_ShortKey_Refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RunbookKeyRing("k1", new byte[16]));

        Assert.Contains("at least 32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RunbookNamesAllInCatalog()
    {
        Assert.All(RunbookNames.All, name => Assert.True(RunbookCatalog.TryGet(name, out _), name));
    }
}
