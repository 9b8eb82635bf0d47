using ImapAutomation.Core.Cards;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Detection;

namespace ImapAutomation.Core.Tests.Cards;

/// <summary>Models whose event-derived text tries everything: markdown, links, mentions, control characters, sheer size.</summary>
internal static class HostileCards
{
    public const string Markdown = "**bold** _it_ `code` ~~gone~~ # head [click me](https://evil.example/phish) ![img](https://evil.example/x.png)";
    public const string Mention = "<at>Chief Executive</at> &lt;at&gt;x&lt;/at&gt; <script>alert(1)</script>";
    public const string Controls = "ex01\u0000\u0007\r\n\t- item\u202Egnp.exe\u200B\uFEFF\u001B[31m";
    public const string Links = "see www.evil.example or http://evil.example/a or mailto:boss@evil.example";

    public static readonly string Huge = string.Concat(Enumerable.Repeat("decrypt_error ", 20_000));

    public static IReadOnlyList<string> Texts { get; } = [Markdown, Mention, Controls, Links, Huge, "1. ordered", "- list", "+ plus"];

    public static IncidentCardModel Incident(string text, int evidenceCount = 3) => CardSamples.Incident() with
    {
        Server = text,
        State = text,
        Evidence = [.. Enumerable.Range(0, evidenceCount).Select(i => new EvidenceItem(text, 36888 + i, 1000 - i, 51, text, text))],
        Plan = [.. CardSamples.Incident().Plan.Select(s => s with { Title = text + " " + s.Title })],
    };

    public static ResultCardModel Result(string text, int changes = 3) => CardSamples.Result() with
    {
        Server = text,
        ApprovedBy = text,
        Changes = [.. Enumerable.Range(0, changes).Select(_ => new ChangeModel(text, text, text,
            [.. Enumerable.Range(0, 40).Select(i => new StateChangeModel(text, text, i % 2 == 0 ? text : null))], StateOmitted: 7))],
        Verification = new VerificationModel(false, text, text, null, text, text),
    };

    public static EscalationCardModel Escalation(string text, int commands = 4) => CardSamples.Escalation() with
    {
        Server = text,
        Detail = text,
        ManualCommands = [.. Enumerable.Range(0, commands).Select(i => $"Set-ImapSettings -Server '{text}' # {i}")],
    };

    public static ProgressCardModel Progress(string text) => CardSamples.Progress() with
    {
        Server = text,
        Headline = text,
        Plan = [.. Enumerable.Range(0, 40).Select(i => new PlanStepModel(text, PlanStepStatus.Pending))],
    };

    public static IncidentKind Kind => IncidentKind.TlsHandshakeFailure;
}
