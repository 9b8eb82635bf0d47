using System.Globalization;

namespace ImapAutomation.Cli.Generate;

/// <summary>
/// Writes a reproducible event storm as Windows Event XML, printed the way <c>wevtutil qe /f:xml</c> prints (no root):
/// each server gets one scenario (certificate binding, TLS handshake failure or connection limits) and every server
/// also logs unrelated noise, so the rules have to tell them apart.
/// </summary>
internal sealed class StormGenerator(int servers, int seed)
{
    private const string Ns = "http://schemas.microsoft.com/win/2004/08/events/event";
    private static readonly DateTime Start = new(2026, 10, 14, 8, 0, 0, DateTimeKind.Utc);
    private static readonly int[] Alerts = [40, 42, 46, 48, 51, 70, 80];

    // Real servers repeat a few Schannel error states; these are the ones quoted in public reports.
    private static readonly int[] States = [900, 1205, 1204, 105, 252, 960];

    public async Task WriteAsync(TextWriter writer, long events, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var names = Enumerable.Range(1, servers).Select(i => $"EXCH{i:D2}.contoso.com").ToArray();
        for (long i = 0; i < events; i++)
        {
            if ((i & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var server = random.Next(servers);
            // Spread the storm over about three hours whatever its size, so windows matter.
            var time = Start.AddTicks((long)(TimeSpan.FromHours(3).Ticks * (double)i / Math.Max(1, events))).AddTicks(random.Next(10_000_000));
            var computer = random.Next(4) == 0 ? names[server].ToUpperInvariant() : names[server];
            var roll = random.Next(100);
            await writer.WriteAsync(roll < 30 ? Noise(random, computer, time, i) : Scenario(server % 3, random, computer, time, i)).ConfigureAwait(false);
        }
    }

    private static string Scenario(int scenario, Random random, string computer, DateTime time, long record) => scenario switch
    {
        0 when random.Next(3) == 0 => Event("MSExchangeIMAP4", 1102, 2, "Application", computer, time, record, 49156, "<Data>VirtualServer 0.0.0.0:993</Data>"),
        0 or 1 => Schannel(random, computer, time, record),
        _ => Event("MSExchangeIMAP4", random.Next(3) switch { 0 => 1009, 1 => 1101, _ => 1103 }, 3, "Application", computer, time, record, 32772,
            "<Data>npumadmin2</Data><Data>16</Data>"),
    };

    private static string Schannel(Random random, string computer, DateTime time, long record)
    {
        var alert = Alerts[random.Next(Alerts.Length)];
        return Event("Schannel", 36888, 2, "System", computer, time, record, null,
            $"<Data Name=\"AlertDesc\">{alert}</Data><Data Name=\"ErrorState\">{States[random.Next(States.Length)]}</Data>");
    }

    private static string Noise(Random random, string computer, DateTime time, long record) => random.Next(3) switch
    {
        0 => Event("Service Control Manager", 7036, 4, "System", computer, time, record, 16384,
            "<Data Name=\"param1\">Microsoft Exchange IMAP4</Data><Data Name=\"param2\">running</Data>"),
        1 => Event("MSExchangeIMAP4", 1000, 4, "Application", computer, time, record, 16388, "<Data>IMAP4</Data>"),
        _ => Event("MSExchange ADAccess", 2080, 4, "Application", computer, time, record, 16388, "<Data>MSExchangeIMAP4.exe</Data><Data>4120</Data>"),
    };

    private static string Event(string provider, int id, int level, string channel, string computer, DateTime time, long record, int? qualifiers, string data) =>
        string.Create(CultureInfo.InvariantCulture, $"""
            <Event xmlns="{Ns}">
              <System>
                <Provider Name="{provider}" />
                <EventID{(qualifiers is { } q ? $" Qualifiers=\"{q}\"" : string.Empty)}>{id}</EventID>
                <Version>0</Version>
                <Level>{level}</Level>
                <Task>1</Task>
                <Opcode>0</Opcode>
                <Keywords>0x80000000000000</Keywords>
                <TimeCreated SystemTime="{time:yyyy-MM-ddTHH:mm:ss.fffffff}00Z" />
                <EventRecordID>{record + 1}</EventRecordID>
                <Correlation />
                <Execution ProcessID="524" ThreadID="632" />
                <Channel>{channel}</Channel>
                <Computer>{computer}</Computer>
                <Security UserID="S-1-5-18" />
              </System>
              <EventData>{data}</EventData>
            </Event>

            """);
}
