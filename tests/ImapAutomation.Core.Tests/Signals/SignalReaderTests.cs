using System.Text;
using ImapAutomation.Core.Signals;
using static ImapAutomation.Core.Tests.Signals.SignalParsing;

namespace ImapAutomation.Core.Tests.Signals;

public sealed class SignalReaderTests
{
    [Theory]
    [InlineData("  \r\n<Event/>", SignalFormat.WindowsEventXml)]
    [InlineData("{\"tables\":[]}", SignalFormat.LogAnalyticsJson)]
    [InlineData("{\"schemaId\":\"azureMonitorCommonAlertSchema\",\"data\":{}}", SignalFormat.AzureMonitorAlert)]
    [InlineData("#Software: Microsoft Exchange Server\r\n", SignalFormat.ImapProtocolLog)]
    [InlineData("Computer,EventID,Source,TimeGenerated\r\n", SignalFormat.LogAnalyticsCsv)]
    [InlineData("hello world", SignalFormat.Unknown)]
    public async Task OpenAsync_Content_DecidesTheFormat(string text, SignalFormat expected)
    {
        var (format, _) = await ReadAsync(text);

        Assert.Equal(expected, format);
    }

    [Fact]
    public async Task OpenAsync_BinaryGarbage_IsRejectedWithOffset()
    {
        var bytes = new byte[10_000];
        new Random(1).NextBytes(bytes);
        bytes[0] = (byte)'A';
        bytes[1] = 0;

        var (format, items) = await ReadAsync(bytes);

        Assert.Equal(SignalFormat.Unknown, format);
        var rejection = Assert.Single(items.Rejections());
        Assert.StartsWith("offset ", rejection.Location, StringComparison.Ordinal);
        Assert.Contains("binary", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_EmptyInput_IsRejected()
    {
        var (_, items) = await ReadAsync(string.Empty);

        Assert.Equal("the input is empty", Assert.Single(items.Rejections()).Reason);
        Assert.Equal("the input is only blank space", Assert.Single((await ReadAsync(" \r\n\t ")).Items.Rejections()).Reason);
    }

    [Fact]
    public async Task OpenAsync_MalformedJson_IsRejectedWithLineAndByte()
    {
        var (_, items) = await ReadAsync("{\n  \"tables\": [ {\"name\": }\n]}");

        var rejection = Assert.Single(items.Rejections());
        Assert.Equal("line 2, byte 24", rejection.Location);
        Assert.StartsWith("malformed JSON", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_TruncatedJson_IsRejected()
    {
        var (_, items) = await ReadAsync("{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":[");

        Assert.StartsWith("malformed JSON", Assert.Single(items.Rejections()).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_JsonOverTheLimit_IsRejectedWithoutReadingItAll()
    {
        var json = "{\"tables\":[],\"pad\":\"" + new string('x', 4000) + "\"}";

        var (_, items) = await ReadAsync(json, new SignalReaderOptions { MaxJsonBytes = 2048 });

        Assert.Contains("larger than 2048 bytes", Assert.Single(items.Rejections()).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_DeeplyNestedJson_IsRejected()
    {
        var json = string.Concat(Enumerable.Repeat("[", 10_000)) + string.Concat(Enumerable.Repeat("]", 10_000));

        var (_, items) = await ReadAsync(json);

        Assert.StartsWith("malformed JSON", Assert.Single(items.Rejections()).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_OtherJson_IsRejectedAsUnknown()
    {
        var (format, items) = await ReadAsync("{\"value\": 1}");

        Assert.Equal(SignalFormat.Unknown, format);
        Assert.Equal("$", Assert.Single(items.Rejections()).Location);
    }

    [Fact]
    public async Task OpenAsync_NonSeekableStream_IsReadFromTheStart()
    {
        var bytes = Encoding.UTF8.GetBytes(new string(' ', 5000) + Event());
        await using var stream = new ForwardOnlyStream(bytes);

        using var input = await SignalReader.OpenAsync(stream);
        var count = 0;
        await foreach (var item in input.ReadAsync())
        {
            count += item is SignalEvent ? 1 : 0;
        }

        Assert.Equal(1, count);
    }

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
