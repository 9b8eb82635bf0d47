using System.Text.Json.Nodes;
using ImapAutomation.Core.Cards;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Core.Tests.Cards;

public sealed class CardBuildersTests
{
    private static readonly IOptions<CardOptions> Options15 = Options.Create(CardSamples.Options("1.5"));

    public static TheoryData<string, string> KindsAndVersions()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in CardSamples.Kinds)
        {
            data.Add(kind, "1.5");
            data.Add(kind, "1.4");
        }

        return data;
    }

    public static TheoryData<string, int> HostileCases()
    {
        var data = new TheoryData<string, int>();
        foreach (var kind in CardSamples.Kinds)
        {
            for (var i = 0; i < HostileCards.Texts.Count; i++)
            {
                data.Add(kind, i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndVersions))]
    public void Build_SampleOfEveryKind_MatchesTheOfficialSchemaAndDeclaresItsVersion(string kind, string version)
    {
        var card = CardSamples.Build(kind, version);

        CardAssert.ValidAgainstSchema(card);
        Assert.Equal(version, (string?)card["version"]);
        Assert.Equal("AdaptiveCard", (string?)card["type"]);
    }

    [Theory]
    [MemberData(nameof(KindsAndVersions))]
    public void Build_Version14_UsesNoElementIntroducedIn15(string kind, string version)
    {
        var types = CardAssert.Strings(CardSamples.Build(kind, version)).Where(p => p.Property == "type").Select(p => p.Value).ToList();

        if (version == "1.4")
        {
            Assert.DoesNotContain("Table", types);
        }
        else if (kind == "result")
        {
            Assert.Contains("Table", types);
        }
    }

    [Theory]
    [MemberData(nameof(HostileCases))]
    public void Build_HostileEventText_StaysValidSmallAndInert(string kind, int textIndex)
    {
        var text = HostileCards.Texts[textIndex];
        var options = Options15;
        JsonObject card = kind switch
        {
            "incident" => new IncidentCardBuilder(options).Build(HostileCards.Incident(text, evidenceCount: 2000)),
            "result" => new ResultCardBuilder(options).Build(HostileCards.Result(text, changes: 500)),
            "escalation" => new EscalationCardBuilder(options).Build(HostileCards.Escalation(text, commands: 300)),
            _ => new ProgressCardBuilder(options).Build(HostileCards.Progress(text)),
        };

        CardAssert.ValidAgainstSchema(card);
        Assert.InRange(CardAssert.Size(card), 1, options.Value.MaxCardBytes);
        foreach (var shown in CardAssert.Texts(card))
        {
            Assert.False(CardAssert.HasLiveMarkdown(shown), $"Live markdown in card text: {shown}");
            Assert.DoesNotMatch("[\\u0000-\\u001F\\u007F-\\u009F\\u200B\\u202E\\uFEFF]", shown);
            Assert.DoesNotContain("<at>", shown, StringComparison.OrdinalIgnoreCase);
            var rendered = CardAssert.Rendered(shown);
            Assert.DoesNotContain("://", rendered, StringComparison.Ordinal);
            Assert.DoesNotContain("www.", rendered, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("@evil", rendered, StringComparison.Ordinal);
        }

        Assert.All(CardAssert.Urls(card), url => Assert.Matches("^https://(portal\\.azure\\.com|imapauto\\.contoso\\.com)[/#]", url));
    }

    [Fact]
    public void Build_HugeEvidence_IsCutAndSaysSo()
    {
        var card = new IncidentCardBuilder(Options15).Build(HostileCards.Incident(HostileCards.Huge, evidenceCount: 5000));

        var texts = CardAssert.Texts(card).ToList();
        Assert.Contains(texts, t => t.Contains("open the incident for everything", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("more sources on the incident page", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.EndsWith('\u2026'));
        Assert.True(CardAssert.Size(card) <= Options15.Value.MaxCardBytes);
    }

    [Fact]
    public void Build_MarkdownInEventText_ShowsTheOriginalCharactersOnceRendered()
    {
        var card = new IncidentCardBuilder(Options15).Build(HostileCards.Incident("ex_01*[x](y)"));

        var diagnosis = (string)card["body"]![1]!["text"]!;
        Assert.StartsWith("IMAP on ex\\_01\\*\\[x\\]\\(y\\) has no usable TLS certificate", diagnosis, StringComparison.Ordinal);
        Assert.StartsWith("IMAP on ex_01*[x](y) has no usable", CardAssert.Rendered(diagnosis), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SampleIncident_StatesTheDiagnosisInPlainLanguage()
    {
        var card = CardSamples.Build("incident");

        Assert.Equal(
            "IMAP on ex01 has no usable TLS certificate: 4,812 Schannel 36888 decrypt\\_error alerts and 12 MSExchangeIMAP4 1102 since 09:14 UTC.",
            (string?)card["body"]![1]!["text"]);
        Assert.Equal("attention", (string?)card["body"]![0]!["style"]);
    }

    [Fact]
    public void Build_StepAwaitingApproval_OffersSignedApproveAndRejectLinks()
    {
        var card = CardSamples.Build("incident");

        var actionSets = card["body"]!.AsArray().Where(n => (string?)n!["type"] == "ActionSet").ToList();
        var set = Assert.Single(actionSets);
        var actions = set!["actions"]!.AsArray();
        Assert.Equal("Approve step 2", (string?)actions[0]!["title"]);
        Assert.Equal("Action.OpenUrl", (string?)actions[0]!["type"]);
        Assert.Contains("decision=approve&exp=1796032800&sig=", (string)actions[0]!["url"]!, StringComparison.Ordinal);
        Assert.Equal("Reject step 2", (string?)actions[1]!["title"]);
        Assert.Contains("decision=reject", (string)actions[1]!["url"]!, StringComparison.Ordinal);
        Assert.Equal(["Open in Log Analytics", "Re-run diagnostics", "Open incident"], card["actions"]!.AsArray().Select(a => (string)a!["title"]!));
    }

    [Fact]
    public void Build_LogAnalyticsLink_OpensTheWorkspaceWithTheEvidenceQuery()
    {
        var card = CardSamples.Build("incident");

        var url = (string)card["actions"]![0]!["url"]!;
        Assert.StartsWith("https://portal.azure.com/#@contoso.onmicrosoft.com/blade/Microsoft_Azure_Monitoring_Logs/LogsBlade/source/Alerts.EmailLinks/scope/", url, StringComparison.Ordinal);
        Assert.Contains(Uri.EscapeDataString("/workspaces/log-imapauto\"}]}"), url, StringComparison.Ordinal);
        Assert.Contains("/timespan/2026-11-30T09%3A09%3A00.0000000Z%2f2026-11-30T09%3A47%3A00.0000000Z", url, StringComparison.Ordinal);
        var q = url.Split("/q/")[1].Split('/')[0];
        var kql = LogAnalyticsLink.Decompress(Uri.UnescapeDataString(q));
        Assert.Contains("| where Computer =~ \"ex01\" or Computer startswith \"ex01.\"", kql, StringComparison.Ordinal);
        Assert.Contains("(Source == \"Schannel\" and EventID == 36888) or (Source == \"MSExchangeIMAP4\" and EventID == 1102)", kql, StringComparison.Ordinal);
    }

    [Fact]
    public void EvidenceQuery_HostileServerName_StaysInsideItsStringLiteral()
    {
        var kql = LogAnalyticsLink.EvidenceQuery("ex01\" or 1==1 | project x //\\", [], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        Assert.Contains("Computer =~ \"ex01\\\" or 1==1 | project x //\\\\\"", kql, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example/approve", "Plan[2].ApproveUrl", "evil.example")]
    [InlineData("http://imapauto.contoso.com/approve", "Plan[2].ApproveUrl", "absolute https")]
    [InlineData("https://user:pw@imapauto.contoso.com/approve", "Plan[2].ApproveUrl", "user information")]
    public void Build_ApprovalLinkNotOnAConfiguredHttpsHost_ThrowsNamingTheField(string link, string field, string reason)
    {
        var sample = CardSamples.Incident();
        var plan = sample.Plan.ToList();
        plan[1] = plan[1] with { ApproveUrl = new Uri(link) };

        var error = Assert.Throws<ArgumentException>(() => new IncidentCardBuilder(Options15).Build(sample with { Plan = plan }));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_StepAwaitingApprovalWithoutLinks_ThrowsRatherThanPostingADeadEnd()
    {
        var sample = CardSamples.Incident();
        var plan = sample.Plan.ToList();
        plan[1] = plan[1] with { RejectUrl = null };

        var error = Assert.Throws<ArgumentException>(() => new IncidentCardBuilder(Options15).Build(sample with { Plan = plan }));

        Assert.Contains("Plan[2].RejectUrl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_IncidentLinkToForeignHost_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new ResultCardBuilder(Options15).Build(CardSamples.Result() with { IncidentUrl = new Uri("https://imapauto.contoso.com.evil.example/x") }));

        Assert.Contains("imapauto.contoso.com.evil.example", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*.contoso.com")]
    [InlineData("https://contoso.com")]
    [InlineData("")]
    public void Constructor_InvalidAllowedHost_ThrowsOptionsValidation(string host)
    {
        var options = CardSamples.Options();
        options.AllowedLinkHosts.Add(host);

        var error = Assert.Throws<OptionsValidationException>(() => new IncidentCardBuilder(Options.Create(options)));

        Assert.Contains("AllowedLinkHosts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_UnsupportedSchemaVersion_ThrowsOptionsValidation()
    {
        var options = CardSamples.Options("1.6");

        var error = Assert.Throws<OptionsValidationException>(() => new EscalationCardBuilder(Options.Create(options)));

        Assert.Contains("SchemaVersion", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Result_ShowsBeforeAndAfterAsATableWithAHeaderRow()
    {
        var card = CardSamples.Build("result");

        var table = card["body"]!.AsArray().Single(n => (string?)n!["type"] == "Table")!;
        var rows = table["rows"]!.AsArray();
        Assert.True((bool)table["firstRowAsHeader"]!);
        Assert.Equal(4, rows.Count);
        string Cell(int row, int cell) => (string)rows[row]!["cells"]![cell]!["items"]![0]!["text"]!;
        Assert.Equal(["What", "Before", "After"], [Cell(0, 0), Cell(0, 1), Cell(0, 2)]);
        Assert.Equal("X509CertificateName", Cell(2, 0));
        Assert.Equal("imap.contoso.com", Cell(2, 2));
        Assert.Equal("good", (string?)card["body"]![0]!["style"]);
        Assert.Contains("approved by Dana Whitfield", CardAssert.Texts(card).Single(t => t.StartsWith("Incident ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ResultWithStateChanges_ShowsEachStepsChangedValuesAsFacts()
    {
        var card = CardSamples.Build("result");

        var facts = card["body"]!.AsArray().Where(n => (string?)n!["type"] == "FactSet")
            .SelectMany(f => f!["facts"]!.AsArray()).Select(f => ((string)f!["title"]!, (string)f["value"]!)).ToList();
        Assert.Contains(("Thumbprint", "9B1D5E7A0C3F2E4D6B8A1C3E5F7092B4D6E8F0A1 → 3F2A9C41D7E8B5066A1F0C2D9E7B4A5C8D1E2F30"), facts);
        Assert.Contains(CardAssert.Texts(card), t => t == "X509CertificateName: values changed");
    }

    [Theory]
    [InlineData("[click](https://evil.example/phish)")]
    [InlineData("{{DATE(2026-11-30T09:00:00Z, SHORT)}}")]
    [InlineData("<at>Chief Executive</at>")]
    [InlineData("**bold** `code` # head")]
    public void Build_ResultStateWithHostileValues_ShowsThemAsInertTextCutToSize(string hostile)
    {
        var longValue = hostile + new string('x', 5_000);
        var model = CardSamples.Result() with
        {
            Changes =
            [
                new ChangeModel("Set-ImapCertificate", "before", "after",
                    [.. Enumerable.Range(0, 50).Select(i => new StateChangeModel(hostile + i, i % 3 == 0 ? null : longValue, hostile))], StateOmitted: 12),
            ],
        };

        var card = new ResultCardBuilder(Options15).Build(model);

        CardAssert.ValidAgainstSchema(card);
        var texts = CardAssert.Texts(card).ToList();
        Assert.All(texts, t => Assert.False(CardAssert.HasLiveMarkdown(t), $"Live markdown in card text: {t}"));
        Assert.All(texts, t => Assert.DoesNotContain("{{", t, StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotContain("<at>", t, StringComparison.OrdinalIgnoreCase));
        Assert.All(texts.Select(CardAssert.Rendered), t => Assert.DoesNotContain("://", t, StringComparison.Ordinal));
        var facts = card["body"]!.AsArray().Where(n => (string?)n!["type"] == "FactSet").SelectMany(f => f!["facts"]!.AsArray())
            .Where(f => ((string)f!["value"]!).Contains(" → ", StringComparison.Ordinal)).ToList();
        Assert.InRange(facts.Count, 1, 12);
        Assert.Contains(facts, f => ((string)f!["value"]!).StartsWith("(not set) → ", StringComparison.Ordinal));
        // Each side is cut to 100 characters before escaping (an escape at most doubles it).
        Assert.All(facts, f => Assert.InRange(((string)f!["value"]!).Length, 1, 2 * 2 * 100 + 3));
        Assert.Contains($"{50 - facts.Count + 12} more changed values not shown", texts);
        Assert.InRange(CardAssert.Size(card), 1, Options15.Value.MaxCardBytes);
    }

    [Fact]
    public void Build_Escalation_ListsTheExactCommandsInMonospace()
    {
        var card = CardSamples.Build("escalation");

        var commands = CardAssert.Strings(card).Where(p => p.Property == "text").Select(p => p.Value)
            .Where(t => t.Contains("-Server ex01", StringComparison.Ordinal) || t.StartsWith("Restart-Service", StringComparison.Ordinal))
            .Select(CardAssert.Rendered)
            .ToList();
        Assert.Equal(CardSamples.Escalation().ManualCommands, commands);
        Assert.Contains("\"fontType\":\"Monospace\"", card.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(CardAssert.Texts(card), t => t.StartsWith("The fix was tried 3 times", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_CardBudgetTooSmallForEvenTheSmallestCard_ThrowsWithTheSizes()
    {
        var options = CardSamples.Options();
        options.MaxCardBytes = 4096;
        var model = HostileCards.Incident(HostileCards.Huge) with
        {
            Plan = [.. Enumerable.Range(0, 4).Select(_ => new PlanStepModel(HostileCards.Huge, PlanStepStatus.AwaitingApproval, true, CardSamples.IncidentUrl, CardSamples.IncidentUrl))],
        };

        var error = Assert.Throws<InvalidOperationException>(() => new IncidentCardBuilder(Options.Create(options)).Build(model));

        Assert.Contains("MaxCardBytes is 4096", error.Message, StringComparison.Ordinal);
    }
}
