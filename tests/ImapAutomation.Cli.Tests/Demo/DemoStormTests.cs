using System.Globalization;
using System.Text.RegularExpressions;
using ImapAutomation.Cli.Demo;

namespace ImapAutomation.Cli.Tests.Demo;

public sealed partial class DemoStormTests
{
    [Theory]
    [InlineData("2026-11-30T10:30:20Z")]
    [InlineData("2026-11-30T10:59:59Z")]
    public void Build_JustAfterAWindowStarts_KeepsEveryEventInsideTheCurrentWindowAndBeforeNow(string nowText)
    {
        var now = DateTimeOffset.Parse(nowText, CultureInfo.InvariantCulture);
        var windowStart = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute >= 30 ? 30 : 0, 0, TimeSpan.Zero);

        var batches = DemoStorm.Build(DemoScenario.Find("certificate")!, now);

        var times = batches.SelectMany(b => TimeCreated().Matches(b.Body))
            .Select(m => DateTimeOffset.Parse(m.Groups["t"].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(batches.Sum(b => b.Events), times.Count);
        Assert.All(times, t => Assert.InRange(t, windowStart, now));
    }

    [Fact]
    public void Build_Certificate_IsThousandsOfSchannelAFew1102ForEx01AndNoiseForEx02()
    {
        var body = string.Concat(DemoStorm.Build(DemoScenario.Find("certificate")!, DateTimeOffset.UtcNow).Select(b => b.Body));

        Assert.InRange(Regex.Count(body, "<EventID>36888</EventID>"), 2900, 3000);
        Assert.InRange(Regex.Count(body, ">1102</EventID>"), 2, 20);
        Assert.Equal(Regex.Count(body, "<Event "), Regex.Count(body, "<Computer>ex01.contoso.com</Computer>") + Regex.Count(body, "<Computer>ex02.contoso.com</Computer>"));
        Assert.DoesNotContain("<Computer>ex02.contoso.com</Computer></System><EventData><Data Name=\"AlertDesc\">", body, StringComparison.Ordinal);
    }

    [GeneratedRegex("SystemTime=\"(?<t>[^\"]+)\"")]
    private static partial Regex TimeCreated();
}
