using System.Globalization;
using System.Text;
using ImapAutomation.Core.Catalog;

namespace ImapAutomation.Cli.Demo;

/// <summary>One forwarder post: a body and its media type, and how many events it carries.</summary>
internal sealed record StormBatch(string Body, string ContentType, int Events);

/// <summary>
/// The events a forwarder would push for a scenario, as Windows Event XML (what <c>wevtutil qe /f:xml</c> prints) and
/// IMAP4 protocol-log lines: thousands of signal events for ex01 and unrelated noise for ex02, spread over the ten
/// minutes before the run. Built once per run, so a replay sends exactly the same bytes.
/// </summary>
internal static class DemoStorm
{
    public const int EventsPerBatch = 500;
    private const string Ns = "http://schemas.microsoft.com/win/2004/08/events/event";
    private static readonly int[] Alerts = [40, 42, 46, 48, 70];
    private static readonly int[] ErrorStates = [900, 1205, 1204, 252];

    public static IReadOnlyList<StormBatch> Build(DemoScenario scenario, DateTimeOffset now, int signalEvents = 3000, int seed = 14)
    {
        var random = new Random(seed);
        // Inside the detection window that holds "now" (30-minute tumbling windows by default): a storm split across
        // two windows would show the second part's Schannel flood without its 1102 and rightly open a TLS incident.
        var windowStart = new DateTime(now.UtcTicks - (now.UtcTicks % TimeSpan.FromMinutes(30).Ticks), DateTimeKind.Utc);
        var start = now.UtcDateTime.AddMinutes(-10) > windowStart ? now.UtcDateTime.AddMinutes(-10) : windowStart;
        var span = (now.UtcDateTime.AddSeconds(-1) - start).TotalMilliseconds;
        var events = new List<string>();
        var record = 1000L;
        var noiseCount = Math.Max(200, signalEvents / 10);
        string Noise(int i) => NoiseEvent(random, start.AddMilliseconds(Math.Max(0, span) * i / noiseCount), ++record);

        var protocolLines = new List<string>();
        for (var i = 0; i < signalEvents; i++)
        {
            var time = start.AddMilliseconds(Math.Max(0, span) * i / signalEvents);
            switch (scenario.Kind)
            {
                case IncidentKind.ImapCertificateBinding:
                    // A few 1102 (no certificate for IMAP) among the Schannel flood, as on the seed's server.
                    events.Add(i % 500 == 0
                        ? Event("MSExchangeIMAP4", 1102, 2, "Application", DemoScenario.BrokenServer, time, ++record, 49156, "<Data>VirtualServer 0.0.0.0:993</Data>")
                        : Schannel(random, time, ++record));
                    break;
                case IncidentKind.TlsHandshakeFailure:
                    events.Add(Schannel(random, time, ++record));
                    break;
                case IncidentKind.ImapConnectionLimit when i < signalEvents / 20:
                    events.Add(Event("MSExchangeIMAP4", (i % 3) switch { 0 => 1009, 1 => 1101, _ => 1103 }, 3, "Application",
                        DemoScenario.BrokenServer, time, ++record, 32772, "<Data>npumadmin2</Data><Data>16</Data>"));
                    break;
                case IncidentKind.ImapProxyAuthFailure when i < signalEvents / 10:
                    protocolLines.Add(ProxyFailure(time, i));
                    break;
                default:
                    break;
            }
        }

        for (var i = 0; i < noiseCount; i++)
        {
            events.Add(Noise(i));
        }

        var batches = new List<StormBatch>();
        for (var offset = 0; offset < events.Count; offset += EventsPerBatch)
        {
            var slice = events.Skip(offset).Take(EventsPerBatch).ToList();
            batches.Add(new StormBatch(string.Concat(slice), "application/xml", slice.Count));
        }

        if (protocolLines.Count > 0)
        {
            var log = new StringBuilder()
                .Append("#Software: Microsoft Exchange Server\r\n#Version: 15.01.2507.039\r\n#Log-type: IMAP4 Protocol Log\r\n")
                .Append(CultureInfo.InvariantCulture, $"#Date: {start:yyyy-MM-ddTHH:mm:ss.fffZ}\r\n")
                .Append("#Fields: dateTime,sessionId,seqNumber,sIp,cIp,user,duration,rqsize,rpsize,command,parameters,context\r\n");
            foreach (var line in protocolLines)
            {
                log.Append(line).Append("\r\n");
            }

            batches.Insert(0, new StormBatch(log.ToString(), "text/plain", protocolLines.Count));
        }

        return batches;
    }

    private static string Schannel(Random random, DateTime time, long record) =>
        Event("Schannel", 36888, 2, "System", DemoScenario.BrokenServer, time, record, null,
            $"<Data Name=\"AlertDesc\">{Alerts[random.Next(Alerts.Length)]}</Data><Data Name=\"ErrorState\">{ErrorStates[random.Next(ErrorStates.Length)]}</Data>");

    private static string NoiseEvent(Random random, DateTime time, long record) => random.Next(3) switch
    {
        0 => Event("Service Control Manager", 7036, 4, "System", DemoScenario.HealthyServer, time, record, 16384,
            "<Data Name=\"param1\">Microsoft Exchange IMAP4</Data><Data Name=\"param2\">running</Data>"),
        1 => Event("MSExchangeIMAP4", 1000, 4, "Application", DemoScenario.HealthyServer, time, record, 16388, "<Data>IMAP4</Data>"),
        _ => Event("MSExchange ADAccess", 2080, 4, "Application", DemoScenario.HealthyServer, time, record, 16388, "<Data>MSExchangeIMAP4.exe</Data><Data>4120</Data>"),
    };

    // The line shape of the seed's field notes: a failed LOGIN proxied to the back end, ErrMsg=ProxyNotAuthenticated.
    private static string ProxyFailure(DateTime time, int i) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{time:yyyy-MM-ddTHH:mm:ss.fffZ},{0x2422BF + i:X16},3,172.16.0.16:993,192.168.12.15:{49088 + (i % 1000)},npumadmin2,61,57,23,login,contoso.com/npumadmin2 *****,")
        + "\"R=\"\"MSB1 NO LOGIN failed.\"\";Msg=\"\"User:LegacyDn: /o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=npumadmin2;"
        + $"Proxy:{DemoScenario.BrokenServer}:993:SSL\"\";ErrMsg=ProxyNotAuthenticated\"";

    private static string Event(string provider, int id, int level, string channel, string computer, DateTime time, long record, int? qualifiers, string data)
    {
        var eventId = qualifiers is { } q ? string.Create(CultureInfo.InvariantCulture, $"<EventID Qualifiers=\"{q}\">{id}</EventID>") : string.Create(CultureInfo.InvariantCulture, $"<EventID>{id}</EventID>");
        return string.Create(CultureInfo.InvariantCulture,
            $"<Event xmlns=\"{Ns}\"><System><Provider Name=\"{provider}\" />{eventId}<Version>0</Version><Level>{level}</Level><Task>1</Task><Opcode>0</Opcode><Keywords>0x80000000000000</Keywords><TimeCreated SystemTime=\"{time:yyyy-MM-ddTHH:mm:ss.fffffff}Z\" /><EventRecordID>{record}</EventRecordID><Correlation /><Execution ProcessID=\"524\" ThreadID=\"632\" /><Channel>{channel}</Channel><Computer>{computer}</Computer><Security UserID=\"S-1-5-18\" /></System><EventData>{data}</EventData></Event>\n");
    }
}
