using System.Text;
using ImapAutomation.Core.Signals;

namespace ImapAutomation.Core.Tests.Signals;

/// <summary>Runs the real reader over text or bytes and collects what it yields.</summary>
internal static class SignalParsing
{
    public static Task<(SignalFormat Format, List<SignalItem> Items)> ReadAsync(string text, SignalReaderOptions? options = null) =>
        ReadAsync(Encoding.UTF8.GetBytes(text), options);

    public static async Task<(SignalFormat Format, List<SignalItem> Items)> ReadAsync(byte[] bytes, SignalReaderOptions? options = null)
    {
        using var stream = new MemoryStream(bytes);
        using var input = await SignalReader.OpenAsync(stream, options);
        var items = new List<SignalItem>();
        await foreach (var item in input.ReadAsync())
        {
            items.Add(item);
        }

        return (input.Format, items);
    }

    public static List<SignalEvent> Events(this List<SignalItem> items) => [.. items.OfType<SignalEvent>()];

    public static List<SignalRejection> Rejections(this List<SignalItem> items) => [.. items.OfType<SignalRejection>()];

    public const string Ns = "http://schemas.microsoft.com/win/2004/08/events/event";

    public static string Event(
        string provider = "Schannel", int id = 36888, string computer = "EXCH01.contoso.com",
        string time = "2019-02-22T20:38:41.809566900Z", string data = "<Data Name=\"AlertDesc\">51</Data><Data Name=\"ErrorState\">900</Data>",
        bool ns = true) =>
        $"""
        <Event{(ns ? $" xmlns=\"{Ns}\"" : string.Empty)}>
          <System>
            <Provider Name="{provider}" />
            <EventID Qualifiers="49156">{id}</EventID>
            <Level>2</Level>
            <TimeCreated SystemTime="{time}" />
            <EventRecordID>1204930</EventRecordID>
            <Channel>System</Channel>
            <Computer>{computer}</Computer>
            <Security UserID="S-1-5-18" />
          </System>
          <EventData>{data}</EventData>
        </Event>

        """;
}
