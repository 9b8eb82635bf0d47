using System.Net;
using System.Text;
using ImapAutomation.LocalParts.Http;

namespace ImapAutomation.LocalParts.Tests.Http;

public sealed class LoopbackHttpListenerTests
{
    [Fact]
    public async Task Request_HandlerAnswers_ClientGetsStatusAndBody()
    {
        var seen = new List<string>();
        await using var listener = LoopbackHttpListener.Start(async context =>
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            seen.Add($"{context.Request.HttpMethod} {context.Request.Url!.PathAndQuery} {await reader.ReadToEndAsync()}");
            context.Response.StatusCode = 202;
            await context.Response.OutputStream.WriteAsync("taken"u8.ToArray());
        });
        using var http = new HttpClient();

        var response = await http.PostAsync(new Uri(listener.BaseUrl, "hook?x=1"), new StringContent("{\"a\":1}"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("taken", await response.Content.ReadAsStringAsync());
        Assert.Equal(["POST /hook?x=1 {\"a\":1}"], seen);
        Assert.Equal("127.0.0.1", listener.BaseUrl.Host);
    }

    [Fact]
    public async Task Request_HandlerHitsIOException_NextRequestIsStillServed()
    {
        var calls = 0;
        await using var listener = LoopbackHttpListener.Start(context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new IOException("the client went away");
            }

            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        using var http = new HttpClient();

        var first = await http.GetAsync(listener.BaseUrl);
        var second = await http.GetAsync(listener.BaseUrl);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
    }

    [Fact]
    public async Task DisposeAsync_Stopped_NothingListens()
    {
        var listener = LoopbackHttpListener.Start(_ => Task.CompletedTask);
        var url = listener.BaseUrl;

        await listener.DisposeAsync();

        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(url));
    }
}
