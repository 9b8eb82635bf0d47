using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;

namespace ImapAutomation.Cli.Tests.Demo;

/// <summary>
/// <c>imapauto demo</c> end to end, each scenario once: real Azurite, the runbooks on the Exchange lab in hosted
/// PowerShell, a real Dovecot as ex01's IMAPS endpoint, the function classes in process and the local Teams sink.
/// </summary>
[Collection(DemoRunsDefinition.Name)]
public sealed partial class DemoCommandTests(DemoRuns runs)
{
    public static TheoryData<string, string, string[]> Scenarios => new()
    {
        { "certificate", "Resolved", ["Get-ImapDiagnostics", "Set-ImapCertificate", "Restart-ImapServices", "Test-ImapTls"] },
        { "proxy", "Resolved", ["Get-ImapDiagnostics", "Set-ImapCertificate", "Disable-ImapNtlm", "Restart-ImapServices", "Test-ImapTls"] },
        { "connection-limit", "Resolved", ["Get-ImapDiagnostics", "Set-ImapConnectionLimits", "Set-ImapThrottlingPolicy", "Restart-ImapServices", "Test-ImapTls"] },
        { "tls", "Escalated", ["Get-ImapDiagnostics", "Test-ImapTls"] },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Demo_Scenario_EndsInItsStateAfterEachRunbookOnceInOrder(string scenario, string state, string[] runbooks)
    {
        var run = await RunAsync(scenario);

        Assert.True(run.Exit == CliApp.Ok, $"exit {run.Exit}: {run.Summary["verdict"]}\n{run.Stderr}");
        Assert.True((bool)run.Summary["succeeded"]!);
        var incident = run.Incident;
        Assert.Equal(state, (string?)incident["state"]);
        Assert.Equal("ex01.contoso.com", (string?)incident["server"]);
        var plan = incident["runbooks"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Equal(runbooks, plan.Select(r => (string)r["name"]!));
        Assert.All(plan, r => Assert.Equal("Succeeded", (string?)r["status"]));
        // One request per step: the engine's ledger, and the timeline's "queued" entries, one per runbook.
        Assert.Equal(runbooks.Length, (int)run.Summary["runbookRequests"]!);
        foreach (var runbook in runbooks)
        {
            Assert.Single(QueuedLine().Matches(run.Stderr), m => m.Groups["runbook"].Value == runbook);
        }

        Assert.Equal(runbooks.Length, QueuedLine().Count(run.Stderr));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Demo_ReplayedStorm_ChangesNothing(string scenario, string state, string[] runbooks)
    {
        var run = await RunAsync(scenario);

        var replay = run.Summary["replay"]!.AsObject();
        Assert.Equal((long)run.Summary["eventsIngested"]!, (long)replay["eventsIngested"]!);
        Assert.Empty(replay["changes"]!.AsArray());
        Assert.Equal(state, (string?)run.Incident["state"]);
        Assert.Equal(runbooks.Length, (int)run.Summary["runbookRequests"]!);
    }

    [Fact]
    public async Task Demo_Certificate_BindsTheCertificateInTheLabAndTheEndpointPassesOnlyAfter()
    {
        var run = await RunAsync("certificate");

        Assert.InRange((long)run.Summary["eventsIngested"]!, 3000, 10_000);
        var ex01 = run.LabServer("ex01.contoso.com");
        Assert.Equal("ex01.contoso.com", (string?)ex01["imapSettings"]!["X509CertificateName"]);
        Assert.Contains(ex01["certificates"]!.AsArray(), c => c!["Services"]!.ToJsonString().Contains("IMAP", StringComparison.Ordinal));
        Assert.Contains("before: Test-ImapTls ex01.contoso.com: NoSslCertificate", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("after: Test-ImapTls ex01.contoso.com: Success", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("system verified: Test-ImapTls", run.Stderr, StringComparison.Ordinal);
        // ex02 only logged noise: no incident, and its lab state is untouched.
        Assert.Single(run.Summary["incidents"]!.AsArray());
        Assert.Equal("ex02.contoso.com", (string?)run.LabServer("ex02.contoso.com")["imapSettings"]!["X509CertificateName"]);
    }

    [Fact]
    public async Task Demo_Proxy_ApprovesDisableImapNtlmThroughTheApprovalsFunction()
    {
        var run = await RunAsync("proxy");

        Assert.Contains("approved Disable-ImapNtlm (POST to the Approvals function", run.Stderr, StringComparison.Ordinal);
        Assert.False((bool)run.LabServer("ex01.contoso.com")["imapSettings"]!["EnableGSSAPIAndNTLMAuth"]!);
    }

    [Fact]
    public async Task Demo_ConnectionLimit_ApprovesTheLimitChangeAndRaisesTheLimits()
    {
        var run = await RunAsync("connection-limit");

        Assert.Contains("approved Set-ImapConnectionLimits (POST to the Approvals function", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(200_000, (long)run.LabServer("ex01.contoso.com")["imapSettings"]!["MaxConnectionsPerUser"]!);
    }

    [Fact]
    public async Task Demo_Tls_EscalatesWithDiagnosticsAndChangesNothingInTheLab()
    {
        var run = await RunAsync("tls");

        Assert.Contains("diagnostics collected", (string?)run.Incident["stateReason"], StringComparison.Ordinal);
        var imap = run.LabServer("ex01.contoso.com")["imapSettings"]!;
        Assert.True((bool)imap["EnableGSSAPIAndNTLMAuth"]!);
        Assert.Equal(16, (long)imap["MaxConnectionsPerUser"]!);
        Assert.DoesNotContain("approved", run.Stderr, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("certificate")]
    [InlineData("proxy")]
    [InlineData("connection-limit")]
    [InlineData("tls")]
    public async Task Demo_PostedCards_MatchTheAdaptiveCardSchema(string scenario)
    {
        var run = await RunAsync(scenario);
        Skip.If(run.Stderr.Contains("no Teams relay is wired", StringComparison.Ordinal),
            "The Functions app posts no Teams cards yet (the notification relay of branch s2-cards is not merged): nothing reaches the sink.");

        var cards = run.Incident["cards"]!.AsArray().Select(c => c!.AsObject()).ToList();
        Assert.True(cards.Count >= 2, $"expected the incident card and the closing card, got {cards.Count}");
        var schema = JsonSchema.FromText(File.ReadAllText(DemoRuns.CardSchemaPath));
        foreach (var card in cards)
        {
            using var document = JsonDocument.Parse(File.ReadAllText((string)card["json"]!));
            var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(result.IsValid, $"{card["json"]} does not match the Adaptive Card 1.5 schema");
            if (scenario == "certificate")
            {
                Assert.True(File.Exists((string?)card["png"]), $"card {card["number"]} was not drawn");
            }
        }
    }

    [Fact]
    public async Task Demo_AfterARun_NoProcessItStartedIsLeft()
    {
        var run = await RunAsync("certificate");

        Assert.Empty(DemoCancellationTests.ProcessesMentioning(run.DataFolder));
    }

    private Task<DemoOutcome> RunAsync(string scenario) =>
        scenario == "certificate" ? runs.RunAsync(scenario) : runs.RunAsync(scenario, "--no-render", "--events", "1000");

    [GeneratedRegex(@"system queued: (?<runbook>[A-Za-z-]+) attempt", RegexOptions.CultureInvariant)]
    private static partial Regex QueuedLine();
}
