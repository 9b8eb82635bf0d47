using ImapAutomation.Core.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace ImapAutomation.Core.Tests.Contracts;

public sealed class RunbookKeyRingTests
{
    private static readonly byte[] Current = Enumerable.Repeat((byte)7, 32).ToArray();
    private static readonly byte[] Previous = Enumerable.Repeat((byte)9, 32).ToArray();

    [Fact]
    public void FromOptions_NoKeyIds_DerivesTheSameIdsOnBothSidesFromTheKeys()
    {
        var options = new RunbookSigningOptions { CurrentKey = Convert.ToBase64String(Current), PreviousKey = Convert.ToBase64String(Previous) };

        var cloud = RunbookKeyRing.FromOptions(options);
        var worker = RunbookKeyRing.FromOptions(new RunbookSigningOptions { CurrentKey = options.CurrentKey, PreviousKey = options.PreviousKey });

        Assert.Equal(RunbookKeyRing.DeriveKeyId(Current), cloud.CurrentKeyId);
        Assert.Equal(cloud.CurrentKeyId, worker.CurrentKeyId);
        Assert.Matches("^sha256-[0-9a-f]{12}$", cloud.CurrentKeyId);
        Assert.NotEqual(RunbookKeyRing.DeriveKeyId(Current), RunbookKeyRing.DeriveKeyId(Previous));
    }

    [Fact]
    public void FromOptions_KeyRotatedWithoutIds_RequestSignedBeforeTheRotationStillVerifies()
    {
        var before = RunbookKeyRing.FromOptions(new RunbookSigningOptions { CurrentKey = Convert.ToBase64String(Previous) });
        var after = RunbookKeyRing.FromOptions(new RunbookSigningOptions
        {
            CurrentKey = Convert.ToBase64String(Current),
            PreviousKey = Convert.ToBase64String(Previous),
        });
        var signed = new RunbookRequestSigner(before).Sign(ContractSamples.Request());

        var verdict = new RunbookRequestVerifier(after, new FakeTimeProvider(ContractSamples.Now.AddMinutes(1)), new RunbookSigningOptions()).Verify(signed);

        Assert.True(verdict.IsValid, verdict.Reason);
    }

    [Fact]
    public void FromOptions_ConfiguredIds_AreKept()
    {
        var ring = RunbookKeyRing.FromOptions(new RunbookSigningOptions
        {
            CurrentKeyId = "k2",
            CurrentKey = Convert.ToBase64String(Current),
            PreviousKeyId = "k1",
            PreviousKey = Convert.ToBase64String(Previous),
        });

        Assert.Equal("k2", ring.CurrentKeyId);
    }
}
