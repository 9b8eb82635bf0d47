using ImapAutomation.Core.Signals;
using static ImapAutomation.Core.Tests.Signals.SignalParsing;

namespace ImapAutomation.Core.Tests.Signals;

public sealed class ImapProtocolLogParserTests
{
    private const string Header =
        "#Software: Microsoft Exchange Server\r\n#Log-type: IMAP4 Protocol Log\r\n" +
        "#Fields: dateTime,sessionId,seqNumber,sIp,cIp,user,duration,rqsize,rpsize,command,parameters,context\r\n";

    // The seed's line, with the date completed (the notes cut it to "22T12:06:14.459Z").
    private const string SeedLine =
        "2019-02-22T12:06:14.459Z,00000000002422BF,3,172.1.0.16:993,192.168.12.15:49088,npumadmin2,61,57,23,login,com/NPUMAdmin2/oozuna *****," +
        "\"R=\"\"MSB1 NO LOGIN failed.\"\";Msg=\"\"User:LegacyDn: /o=Kat,ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=Olga Ozuna, " +
        "Location: ServerFqdn: FW-EXCH01.Mitel.com, DatabaseName: Mitel FW New;Proxy:FW-EXCH01.Kat.com:993:SSL\"\";ErrMsg=ProxyNotAuthenticated\"\r\n";

    [Fact]
    public async Task Read_SeedProxyLine_NamesTheProxyTargetAsServer()
    {
        var (format, items) = await ReadAsync(Header + SeedLine);

        Assert.Equal(SignalFormat.ImapProtocolLog, format);
        var e = Assert.Single(items.Events());
        Assert.Equal(("FW-EXCH01.Kat.com", SignalEvent.ImapProtocolLogProvider), (e.Server, e.Provider));
        Assert.Equal("ProxyNotAuthenticated", e.NamedData["ErrMsg"]);
        Assert.Equal("FW-EXCH01.Kat.com:993", e.NamedData["ProxyTarget"]);
        Assert.Equal("login", e.NamedData["command"]);
    }

    [Fact]
    public async Task Read_OrdinaryLine_HasNoServer()
    {
        var (_, items) = await ReadAsync(Header + "2019-02-22T12:06:14.459Z,1,1,172.1.0.16:993,192.168.12.15:1,,0,0,52,OpenSession,,\r\n");

        var e = Assert.Single(items.Events());
        Assert.Equal(string.Empty, e.Server);
        Assert.False(e.NamedData.ContainsKey("ErrMsg"));
    }

    [Theory]
    [InlineData("2019-02-22T12:06:14.459Z,1,1,a,b,,0,0,52,login,,\"R=\"\"unterminated", "unterminated quoted field")]
    [InlineData("2019-02-22T12:06:14.459Z,1,1,a,b", "5 fields but #Fields names 12")]
    [InlineData("not-a-time,1,1,a,b,,0,0,52,login,,", "dateTime 'not-a-time' is not a time")]
    public async Task Read_BrokenLine_IsRejectedWithLineAndTheNextRead(string line, string reason)
    {
        var (_, items) = await ReadAsync(Header + line + "\r\n" + SeedLine);

        var rejection = Assert.Single(items.Rejections());
        Assert.Equal("line 4", rejection.Location);
        Assert.Contains(reason, rejection.Reason, StringComparison.Ordinal);
        Assert.Single(items.Events());
    }

    [Fact]
    public async Task Read_LineBeforeFieldsHeader_IsRejected()
    {
        var (_, items) = await ReadAsync("#Software: Microsoft Exchange Server\r\n" + SeedLine);

        Assert.Equal("a log line before the #Fields: header", Assert.Single(items.Rejections()).Reason);
    }
}
