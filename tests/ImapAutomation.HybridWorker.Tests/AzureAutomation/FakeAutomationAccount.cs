using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ImapAutomation.Testing;

namespace ImapAutomation.HybridWorker.Tests.AzureAutomation;

/// <summary>
/// Azure Automation's job API on loopback, in the documented ARM shapes (Job - Create, Job - Get, Job - Stop,
/// Job - Get Output, Job Stream - List By Job), because Azure cannot run here. Each job follows a script.
/// </summary>
internal sealed partial class FakeAutomationAccount : IDisposable
{
    public const string Token = "fake-arm-token";

    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly ConcurrentDictionary<string, FakeJob> _jobs = new(StringComparer.OrdinalIgnoreCase);

    public FakeAutomationAccount()
    {
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public Uri Endpoint => new($"http://127.0.0.1:{Port}/");

    /// <summary>What the next created job does.</summary>
    public FakeJobScript NextJob { get; set; } = new();

    /// <summary>Answer the next PUT with this status and ARM error body instead of creating a job.</summary>
    public (HttpStatusCode Status, string Code, string Message)? RefuseNextCreate { get; set; }

    public ConcurrentQueue<string> Requests { get; } = new();

    public IReadOnlyDictionary<string, FakeJob> Jobs => _jobs;

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        // The loop ends on its own once the listener is closed.
        _ = _loop.ContinueWith(t => t.Exception, TaskScheduler.Default);
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                await HandleAsync(context);
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath;
        Requests.Enqueue($"{request.HttpMethod} {request.Url.PathAndQuery}");
        if (request.Headers["Authorization"] != "Bearer " + Token)
        {
            await Write(context, HttpStatusCode.Unauthorized, Error("AuthenticationFailed", "Missing or wrong bearer token."));
            return;
        }

        if (request.QueryString["api-version"] != "2023-11-01")
        {
            await Write(context, HttpStatusCode.BadRequest, Error("InvalidApiVersionParameter", "Unsupported api-version."));
            return;
        }

        var match = JobPath().Match(path);
        if (!match.Success)
        {
            await Write(context, HttpStatusCode.NotFound, Error("NotFound", $"No route {path}."));
            return;
        }

        var name = match.Groups["job"].Value;
        var action = match.Groups["action"].Value;
        switch (request.HttpMethod, action)
        {
            case ("PUT", ""):
                await CreateAsync(context, name);
                break;
            case ("GET", ""):
                if (!_jobs.TryGetValue(name, out var job))
                {
                    await Write(context, HttpStatusCode.NotFound, Error("NotFound", $"Job {name} not found."));
                    return;
                }

                job.Polls++;
                await Write(context, HttpStatusCode.OK, job.ToArm());
                break;
            case ("POST", "/stop"):
                _jobs[name].Stopped = true;
                await Write(context, HttpStatusCode.OK, null);
                break;
            case ("GET", "/output"):
                context.Response.ContentType = "text/plain";
                var bytes = Encoding.UTF8.GetBytes(_jobs[name].Script.Output);
                await context.Response.OutputStream.WriteAsync(bytes);
                break;
            case ("GET", "/streams"):
                await WriteStreamsAsync(context, _jobs[name], request.QueryString["page"]);
                break;
            default:
                await Write(context, HttpStatusCode.MethodNotAllowed, Error("MethodNotAllowed", $"{request.HttpMethod} {path}"));
                break;
        }
    }

    private async Task CreateAsync(HttpListenerContext context, string name)
    {
        if (RefuseNextCreate is { } refusal)
        {
            RefuseNextCreate = null;
            await Write(context, refusal.Status, Error(refusal.Code, refusal.Message));
            return;
        }

        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = JsonNode.Parse(await reader.ReadToEndAsync())!;
        if (_jobs.ContainsKey(name))
        {
            await Write(context, HttpStatusCode.Conflict, Error("Conflict", $"A job named {name} already exists."));
            return;
        }

        var job = new FakeJob(name, body, NextJob);
        _jobs[name] = job;
        await Write(context, HttpStatusCode.Created, job.ToArm());
    }

    private static async Task WriteStreamsAsync(HttpListenerContext context, FakeJob job, string? page)
    {
        // Two pages when there are more than two records, to make the client follow nextLink.
        var records = job.Script.Streams.Select((s, i) => (JsonNode)new JsonObject
        {
            ["id"] = $"/jobs/{job.Name}/streams/{i}",
            ["properties"] = new JsonObject
            {
                ["jobStreamId"] = $"{job.Name}:{i:D20}",
                ["time"] = "2026-11-30T12:00:00+00:00",
                ["streamType"] = s.Type,
                ["streamText"] = s.Text,
                ["summary"] = s.Text.Length > 20 ? s.Text[..20] : s.Text,
                ["value"] = new JsonObject(),
            },
        }).ToList();
        var first = page is null;
        var slice = first ? records.Take(2) : records.Skip(2);
        var result = new JsonObject { ["value"] = new JsonArray([.. slice.Select(r => r.DeepClone())]) };
        if (first && records.Count > 2)
        {
            result["nextLink"] = job.Script.ForeignNextLink ?? context.Request.Url!.GetLeftPart(UriPartial.Path) + "?api-version=2023-11-01&page=2";
        }

        await Write(context, HttpStatusCode.OK, result);
    }

    private static JsonObject Error(string code, string message) => new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    private static async Task Write(HttpListenerContext context, HttpStatusCode status, JsonNode? body)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json";
        if (body is not null)
        {
            await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(body.ToJsonString()));
        }
    }

    [GeneratedRegex("^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.Automation/automationAccounts/[^/]+/jobs/(?<job>[^/]+)(?<action>/stop|/output|/streams)?$")]
    private static partial Regex JobPath();
}

/// <summary>How a fake job behaves: how many polls it runs, how it ends, what it writes.</summary>
internal sealed record FakeJobScript
{
    public int RunningPolls { get; init; } = 2;

    /// <summary>Null: runs until stopped.</summary>
    public string? FinalStatus { get; init; } = "Completed";

    public string? Exception { get; init; }

    public string Output { get; init; } = "";

    public IReadOnlyList<(string Type, string Text)> Streams { get; init; } = [];

    public string? ForeignNextLink { get; init; }
}

internal sealed class FakeJob(string name, JsonNode body, FakeJobScript script)
{
    public string Name => name;

    public JsonNode Body => body;

    public FakeJobScript Script => script;

    public int Polls { get; set; }

    public bool Stopped { get; set; }

    public string Status => Stopped ? "Stopped"
        : Polls == 0 ? "New"
        : Polls <= script.RunningPolls || script.FinalStatus is null ? "Running"
        : script.FinalStatus;

    public JsonObject ToArm() => new()
    {
        ["id"] = $"/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/aa/jobs/{name}",
        ["name"] = name,
        ["type"] = "Microsoft.Automation/AutomationAccounts/Jobs",
        ["properties"] = new JsonObject
        {
            ["runbook"] = body["properties"]?["runbook"]?.DeepClone(),
            ["runOn"] = body["properties"]?["runOn"]?.DeepClone(),
            ["parameters"] = body["properties"]?["parameters"]?.DeepClone(),
            ["provisioningState"] = Status is "Completed" or "Failed" or "Stopped" or "Suspended" ? "Succeeded" : "Processing",
            ["status"] = Status,
            ["exception"] = Status == "Failed" || Status == "Suspended" ? script.Exception : null,
            ["jobId"] = Guid.NewGuid().ToString(),
        },
    };
}
