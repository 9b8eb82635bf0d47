using ImapAutomation.Core.Announcements;
using ImapAutomation.Core.Approvals;
using ImapAutomation.Core.Cards;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Policy;
using ImapAutomation.Core.Tests.Cards;
using ImapAutomation.Core.Tests.Contracts;
using Microsoft.Extensions.Time.Testing;
using Options = Microsoft.Extensions.Options.Options;

namespace ImapAutomation.Core.Tests.Announcements;

public sealed class IncidentCardMapperTests
{
    private const string Host = "imapauto.contoso.test";
    private const string Hostile = "Sch*nnel [x](https://evil.example) <at>all</at> @evil _y_";
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 14, 0, TimeSpan.Zero);

    public static TheoryData<NotificationKind> Kinds() => [.. Enum.GetValues<NotificationKind>()];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Build_EveryNotificationKindWithHostileEventText_ValidCardWithEscapedTextAndOnlyAllowedLinks(NotificationKind kind)
    {
        var (mapper, _) = Mapper();
        var incident = Incident(kind == NotificationKind.ApprovalRequested ? IncidentState.AwaitingApproval : IncidentState.Remediating);

        var card = mapper.Build(Announcement(kind, incident, Hostile));

        CardAssert.ValidAgainstSchema(card);
        Assert.All(CardAssert.Texts(card), t => Assert.False(CardAssert.HasLiveMarkdown(t), $"Live markdown in card text: {t}"));
        Assert.All(CardAssert.Texts(card).Select(CardAssert.Rendered), t => Assert.DoesNotContain("://", t, StringComparison.Ordinal));
        Assert.All(CardAssert.Urls(card), u => Assert.StartsWith($"https://{Host}/api/", u, StringComparison.Ordinal));
        Assert.DoesNotContain(Hostile, IncidentCardMapper.Summary(Announcement(kind, incident, Hostile)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(NotificationKind.IncidentOpened, "incident")]
    [InlineData(NotificationKind.Reopened, "incident")]
    [InlineData(NotificationKind.ApprovalRequested, "approval")]
    [InlineData(NotificationKind.RemediationQueued, "progress")]
    [InlineData(NotificationKind.Resolved, "result")]
    [InlineData(NotificationKind.Failed, "escalation")]
    [InlineData(NotificationKind.Escalated, "escalation")]
    [InlineData(NotificationKind.FleetEscalated, "escalation")]
    [InlineData(NotificationKind.RequestRejected, "escalation")]
    [InlineData(NotificationKind.FleetHeld, "escalation")]
    public void Build_NotificationKind_PicksItsCard(NotificationKind kind, string card)
    {
        var (mapper, _) = Mapper();
        var incident = Incident(kind == NotificationKind.ApprovalRequested ? IncidentState.AwaitingApproval : IncidentState.Remediating);

        Assert.Equal(card, TeamsWire.KindOf(mapper.Build(Announcement(kind, incident, "text"))));
    }

    [Fact]
    public void Build_ApprovalRequested_TokenIsBoundToTheWaitingStepAndExpiresWithTheConfiguredLifetime()
    {
        var (mapper, tokens) = Mapper();
        var incident = Incident(IncidentState.AwaitingApproval);

        var card = mapper.Build(Announcement(NotificationKind.ApprovalRequested, incident, "text"));

        var approve = new Uri(CardAssert.Urls(card).Single(u => u.EndsWith("?decision=approve", StringComparison.Ordinal)));
        var (claims, error) = tokens.Validate(Uri.UnescapeDataString(approve.AbsolutePath["/api/approvals/".Length..]));
        Assert.Null(error);
        Assert.True(claims!.Matches(incident));
        Assert.Equal(Now.AddHours(2).ToUnixTimeSeconds(), claims.ExpiresUnix);
    }

    [Fact]
    public void Build_EscalatedByFlapping_SaysSoAndListsTheRemainingCommandsToRunByHand()
    {
        var (mapper, _) = Mapper();
        var incident = Incident(IncidentState.Escalated);

        var card = mapper.Build(Announcement(NotificationKind.Escalated, incident, "flapping: reopened 4 times within 06:00:00"));

        var texts = CardAssert.Texts(card).Select(CardAssert.Rendered).ToList();
        Assert.Contains(texts, t => t.Contains("keeps coming back", StringComparison.Ordinal));
        // Only what is not done yet: the certificate step succeeded, the verification did not run.
        Assert.Contains(texts, t => t.StartsWith("openssl s_client -connect ex01.contoso.com:993", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains("Set-ImapCertificate.ps1", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_Resolved_ShowsWhatEachStepChangedAsEscapedFacts()
    {
        var (mapper, _) = Mapper();

        var card = mapper.Build(Announcement(NotificationKind.Resolved, Incident(IncidentState.Resolved), "resolved"));

        CardAssert.ValidAgainstSchema(card);
        var texts = CardAssert.Texts(card).ToList();
        Assert.Contains("Set-ImapCertificate: values changed", texts);
        Assert.Contains("(not set) → 3F2A", texts);
        Assert.Contains(@"\{\{DATE\(2026-11-30T00:00:00Z, SHORT\)\}\}", string.Join('\n', texts), StringComparison.Ordinal);
        Assert.Contains("3 more changed values not shown", texts);
    }

    [Fact]
    public void Build_FleetHeld_SaysTheServerWasHeldAndLinksTheFleetEscalation()
    {
        var (mapper, _) = Mapper();
        var incident = Incident(IncidentState.Escalated);
        var text = "fleet circuit breaker: 5 servers needed TlsHandshakeFailure changes within 01:00:00: this server was held and not changed";
        var notification = new IncidentNotification(NotificationKind.FleetHeld, incident.Id, text, "ex03.contoso.com/TlsHandshakeFailure");

        var card = mapper.Build(Announcement(incident, notification));

        CardAssert.ValidAgainstSchema(card);
        var texts = CardAssert.Texts(card).Select(CardAssert.Rendered).ToList();
        Assert.Contains(texts, t => t.Contains("this server was held and not changed", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("5 servers needed", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("automatic changes paused fleet-wide", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains("attempts", StringComparison.Ordinal));
        Assert.Contains($"https://{Host}/api/incidents/ex03.contoso.com/TlsHandshakeFailure", CardAssert.Urls(card));
        Assert.Equal("TlsHandshakeFailure on ex01.contoso.com: held by the fleet circuit breaker", IncidentCardMapper.Summary(Announcement(incident, notification)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("https://evil.example/x")]
    [InlineData("ex03.contoso.com/NotAKind")]
    [InlineData("[x](https://evil.example)/TlsHandshakeFailure")]
    public void Build_FleetHeldWithoutAValidFleetIncident_HasNoFleetLinkAndStaysValid(string? related)
    {
        var (mapper, _) = Mapper();
        var incident = Incident(IncidentState.Escalated);
        var notification = new IncidentNotification(NotificationKind.FleetHeld, incident.Id, Hostile, related);

        var card = mapper.Build(Announcement(incident, notification));

        CardAssert.ValidAgainstSchema(card);
        Assert.Equal([$"https://{Host}/api/incidents/ex01.contoso.com/TlsHandshakeFailure"], CardAssert.Urls(card));
        Assert.All(CardAssert.Texts(card), t => Assert.False(CardAssert.HasLiveMarkdown(t), $"Live markdown in card text: {t}"));
    }

    private static (IncidentCardMapper Mapper, ApprovalTokens Tokens) Mapper()
    {
        var cardOptions = new CardOptions();
        cardOptions.AllowedLinkHosts.Add(Host);
        var cards = Options.Create(cardOptions);
        var tokens = new ApprovalTokens(ContractSamples.Ring(), new FakeTimeProvider(Now));
        var announcer = new AnnouncerOptions { PublicBaseUrl = new Uri($"https://{Host}"), ApprovalLinkLifetime = TimeSpan.FromHours(2) };
        var policy = new PolicyOptions();
        policy.ApprovalRequired[RunbookNames.SetImapCertificate] = true;
        var mapper = new IncidentCardMapper(
            new IncidentCardBuilder(cards), new ProgressCardBuilder(cards), new ResultCardBuilder(cards), new EscalationCardBuilder(cards),
            tokens, Options.Create(announcer), Options.Create(policy));
        return (mapper, tokens);
    }

    private static Incident Incident(IncidentState state) => new()
    {
        Server = "ex01.contoso.com",
        Kind = IncidentKind.TlsHandshakeFailure,
        State = state,
        EventCount = 4_824,
        FirstSeen = Now,
        LastSeen = Now.AddMinutes(28),
        StateChangedAt = Now.AddMinutes(30),
        LastAttemptAt = Now.AddMinutes(1),
        Evidence = new(StringComparer.Ordinal) { [Hostile + "/36888"] = 4_812, ["MSExchangeIMAP4/1102"] = 12 },
        Plan =
        [
            new PlanStep
            {
                Runbook = RunbookNames.SetImapCertificate,
                State = state == IncidentState.AwaitingApproval ? StepState.Pending : StepState.Succeeded,
                Outcome = Hostile,
                Changes = [new StateChange(Hostile, Hostile, "{{DATE(2026-11-30T00:00:00Z, SHORT)}}"), new StateChange("Thumbprint", null, "3F2A")],
                ChangesOmitted = 3,
            },
            new PlanStep { Runbook = RunbookNames.TestImapTls },
        ],
        ApprovedBy = state == IncidentState.AwaitingApproval ? null : "ops@contoso.com",
        TimelineCount = 4,
    };

    private static IncidentAnnouncement Announcement(NotificationKind kind, Incident incident, string text) =>
        Announcement(incident, new IncidentNotification(kind, incident.Id, text));

    private static IncidentAnnouncement Announcement(Incident incident, IncidentNotification notification) =>
        new(notification, $"0000000004-{notification.Kind}", incident,
            [new TimelineEntry(3, Now, "system", "verified", Hostile)], new Dictionary<string, string>(), null);
}
