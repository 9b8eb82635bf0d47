using System.Text.Json;
using ImapAutomation.Core.Contracts;
using static ImapAutomation.Core.Tests.Contracts.ContractSamples;

namespace ImapAutomation.Core.Tests.Contracts;

public sealed class RunbookResultSignerTests
{
    private static RunbookResult Result() => ContractSamples.Result() with
    {
        BeforeState = JsonOf("""{"x509CertificateName":"","certificates":[{"thumbprint":"AB","days":3}]}"""),
    };

    [Fact]
    public void Verify_SignedThenSentThroughTheQueueAsJson_Accepted()
    {
        var signed = new RunbookResultSigner(Ring()).Sign(Result());
        // Whitespace and escaping on the wire change nothing the signature covers.
        var wire = RunbookContract.Serialize(signed).Replace(",", ", ", StringComparison.Ordinal).Replace("\"bound\"", "\"\\u0062ound\"", StringComparison.Ordinal);

        var received = RunbookContract.ParseResult(wire).Value!;

        Assert.Equal("k2", signed.KeyId);
        Assert.Null(new RunbookResultSigner(Ring()).Verify(received));
    }

    [Fact]
    public void Verify_Unsigned_SaysItIsNotSigned()
    {
        var reason = new RunbookResultSigner(Ring()).Verify(Result());

        Assert.Equal("the result is not signed (keyId or signature missing)", reason);
    }

    public static TheoryData<string> Tampering() => ["status", "output", "error", "verification", "detail", "before", "after", "completedAt", "requestId"];

    [Theory]
    [MemberData(nameof(Tampering))]
    public void Verify_FieldChangedAfterSigning_Refused(string field)
    {
        var signed = new RunbookResultSigner(Ring()).Sign(Result());
        var tampered = field switch
        {
            "status" => signed with { Status = RunbookStatus.Failed },
            "output" => signed with { Output = "bound!" },
            "error" => signed with { Error = "x" },
            "verification" => signed with { Verification = VerificationOutcome.Failed },
            "detail" => signed with { VerificationDetail = null },
            "before" => signed with { BeforeState = JsonOf("""{"x509CertificateName":"","certificates":[{"thumbprint":"AB","days":4}]}""") },
            "after" => signed with { AfterState = null },
            "completedAt" => signed with { CompletedAt = signed.CompletedAt.AddTicks(1) },
            _ => signed with { RequestId = RunbookRequestIds.For("ex01/ImapCertificateBinding", 1, 2, 1) },
        };

        var reason = new RunbookResultSigner(Ring()).Verify(tampered);

        Assert.Contains("does not match the result", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ForgedWithAnotherKeyUnderTheCurrentKeyId_Refused()
    {
        var forger = new RunbookKeyRing("k2", Key(9));
        var forged = new RunbookResultSigner(forger).Sign(Result());

        Assert.Contains("does not match the result", new RunbookResultSigner(Ring()).Verify(forged), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("k9", "c2lnbmF0dXJl", "neither the current nor the previous key")]
    [InlineData("k2", "not base64!", "not a base64 HMAC-SHA256")]
    [InlineData("k2", "c2hvcnQ=", "not a base64 HMAC-SHA256")]
    public void Verify_UnknownKeyOrMalformedSignature_SaysWhich(string keyId, string signature, string expected)
    {
        var reason = new RunbookResultSigner(Ring()).Verify(Result() with { KeyId = keyId, Signature = signature });

        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RequestSignatureCarriedOnAResult_Refused()
    {
        // The cloud's own signature over a request (same ring, same key) is valid, public on the requests queue,
        // and must never pass for a result.
        var request = new RunbookRequestSigner(Ring()).Sign(Request());
        var result = Result() with { RequestId = request.RequestId, KeyId = request.KeyId, Signature = request.Signature };

        Assert.Contains("does not match the result", new RunbookResultSigner(Ring()).Verify(result), StringComparison.Ordinal);
        Assert.NotEqual(
            RunbookRequestCanonicalForm.Compute(request, "k2")[..30],
            RunbookResultCanonicalForm.Compute(result, "k2")[..30]);
    }

    [Fact]
    public void Verify_AfterRotation_PreviousKeyAcceptedAndRetiredKeyRefused()
    {
        // A worker not yet rotated still signs with k1 (Ring()'s previous key).
        var oldWorker = new RunbookResultSigner(new RunbookKeyRing("k1", Key(1)));
        var signedByOld = oldWorker.Sign(Result());
        var signedByNew = new RunbookResultSigner(Ring()).Sign(Result());

        // The cloud rotated to k2 and keeps k1 as previous: both verify.
        Assert.Null(new RunbookResultSigner(Ring()).Verify(signedByOld));
        Assert.Null(new RunbookResultSigner(Ring()).Verify(signedByNew));

        // k1 dropped at the end of the rotation: a result signed with it is refused.
        var retired = new RunbookResultSigner(new RunbookKeyRing("k3", Key(3), "k2", Key(2))).Verify(signedByOld);
        Assert.Contains("neither the current nor the previous key", retired, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_StateWithDifferentWhitespace_SameSignature()
    {
        var compact = Result() with { AfterState = JsonOf("""{"a":1,"b":[true,null]}""") };
        var spaced = Result() with { AfterState = JsonOf("""{ "a" : 1 , "b" : [ true , null ] }""") };

        Assert.Equal(new RunbookResultSigner(Ring()).Sign(compact).Signature, new RunbookResultSigner(Ring()).Sign(spaced).Signature);
        Assert.Equal(JsonValueKind.Object, spaced.AfterState!.Value.ValueKind);
    }
}
