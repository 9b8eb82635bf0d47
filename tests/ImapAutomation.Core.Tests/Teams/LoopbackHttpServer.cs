using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using ImapAutomation.LocalParts.Http;

namespace ImapAutomation.Core.Tests.Teams;

/// <summary>One request as the server received it.</summary>
internal sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body, TimeSpan At);

/// <summary>A scripted reply.</summary>
internal sealed record ScriptedResponse(int Status, string Body = "", IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>A real HTTP server on a free loopback port that records requests and answers from a script.</summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Func<RecordedRequest, int, ScriptedResponse> _respond;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly LoopbackHttpListener _listener;
    private int _count;

    public LoopbackHttpServer(Func<RecordedRequest, int, ScriptedResponse> respond)
    {
        _respond = respond;
        _listener = LoopbackHttpListener.Start(AnswerAsync);
    }

    public Uri BaseUrl => _listener.BaseUrl;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync().ConfigureAwait(false);
        var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
            .ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
        var request = new RecordedRequest(context.Request.HttpMethod, context.Request.Url!.PathAndQuery, headers, body, _clock.Elapsed);
        _requests.Enqueue(request);
        var reply = _respond(request, Interlocked.Increment(ref _count));
        context.Response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        var bytes = Encoding.UTF8.GetBytes(reply.Body);
        if (bytes.Length > 0)
        {
            context.Response.ContentType = "application/json";
        }

        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
    }
}
