using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using ImapAutomation.Core.Catalog;
using ImapAutomation.HybridWorker.Dispatch;
using Microsoft.Extensions.Options;

namespace ImapAutomation.HybridWorker.AzureAutomation;

/// <summary>
/// Runs a catalog runbook as an Azure Automation job on a Hybrid Runbook Worker group (ARM REST): PUT the job named
/// by the request id (so a retried PUT is the same job), poll it to Completed/Failed/Stopped/Suspended, then read its
/// output and streams. A job past its timeout is stopped.
/// </summary>
public sealed partial class AzureAutomationDispatcher : IRunbookDispatcher
{
    public const string BackendName = "AzureAutomation";

    private static readonly string[] Scopes = ["https://management.azure.com/.default"];
    private static readonly HashSet<string> Terminal = new(StringComparer.OrdinalIgnoreCase) { "Completed", "Failed", "Stopped", "Suspended" };

    private readonly HttpClient _http;
    private readonly TokenCredential _credential;
    private readonly AzureAutomationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AzureAutomationDispatcher> _logger;

    public AzureAutomationDispatcher(
        HttpClient http, TokenCredential credential, IOptions<AzureAutomationOptions> options, TimeProvider time, ILogger<AzureAutomationDispatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        Validator.ValidateObject(_options, new ValidationContext(_options), validateAllProperties: true);
        _http = http;
        _credential = credential;
        _time = time;
        _logger = logger;
    }

    public async Task<RunbookOutcome> DispatchAsync(RunbookDispatch dispatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        if (!RunbookNames.All.Contains(dispatch.Runbook, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Runbook '{dispatch.Runbook}' is not in the catalog.", nameof(dispatch));
        }

        var jobName = dispatch.RequestId.ToString("D");
        var startedAt = _time.GetUtcNow();
        var outcome = RunbookOutcome.For(dispatch, BackendName, RunbookOutcomeStatus.Failed, startedAt, startedAt) with { JobName = jobName };

        var refusal = await CreateJobAsync(jobName, dispatch, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            return outcome with { FailureMessage = refusal, CompletedAt = _time.GetUtcNow() };
        }

        LogJobStarted(_logger, jobName, dispatch.Runbook, _options.HybridWorkerGroup);
        var timeout = dispatch.Timeout ?? _options.DefaultJobTimeout;
        var (status, exception) = await PollAsync(jobName, timeout, cancellationToken).ConfigureAwait(false);
        var (errors, warnings, verbose, truncated) = await ReadStreamsAsync(jobName, cancellationToken).ConfigureAwait(false);
        var output = status == "Completed" ? await ReadOutputAsync(jobName, cancellationToken).ConfigureAwait(false) : null;
        LogJobFinished(_logger, jobName, status ?? "timed out");

        outcome = outcome with
        {
            Status = status switch
            {
                null => RunbookOutcomeStatus.TimedOut,
                "Completed" => RunbookOutcomeStatus.Succeeded,
                _ => RunbookOutcomeStatus.Failed,
            },
            FailureMessage = status switch
            {
                null => $"Job {jobName} ran past its timeout of {timeout} and was stopped.",
                "Completed" => null,
                "Suspended" => $"Job {jobName} was suspended (a hybrid job is suspended after 3 restarts): {exception}",
                _ => $"Job {jobName} ended {status}: {exception}",
            },
            Errors = errors,
            Warnings = warnings,
            Verbose = verbose,
            StreamsTruncated = truncated,
            CompletedAt = _time.GetUtcNow(),
        };
        return RunbookOutcome.WithRunbookShape(outcome, output);
    }

    /// <summary>Null when the job exists (created now or by an earlier try); otherwise ARM's reason for refusing it.</summary>
    private async Task<string?> CreateJobAsync(string jobName, RunbookDispatch dispatch, CancellationToken cancellationToken)
    {
        // Azure Automation takes every parameter as a JSON-serialized string, as Start-AzAutomationRunbook sends them.
        var parameters = new JsonObject { ["Server"] = JsonSerializer.Serialize(dispatch.Server) };
        foreach (var (name, value) in dispatch.Parameters)
        {
            parameters[name] = JsonSerializer.Serialize(PowerShell.PsJson.ToNode(value));
        }

        if (dispatch.WhatIf)
        {
            parameters["WhatIf"] = "true";
        }

        var body = new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["runbook"] = new JsonObject { ["name"] = dispatch.Runbook },
                ["parameters"] = parameters,
                ["runOn"] = _options.HybridWorkerGroup,
            },
        };
        using var request = await RequestAsync(HttpMethod.Put, $"jobs/{jobName}", cancellationToken).ConfigureAwait(false);
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Conflict)
        {
            // 409: a job of this name exists, i.e. an earlier delivery of the same request created it; follow that one.
            return null;
        }

        var error = await ArmErrorAsync(response, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            // Transient: let the request be redelivered; the same job name keeps the retry idempotent.
            throw new HttpRequestException($"Azure Automation could not create job {jobName}: {error}", null, response.StatusCode);
        }

        return $"Azure Automation refused job {jobName} for {dispatch.Runbook}: {error}";
    }

    /// <summary>The terminal status and exception text, or null status when the job was stopped for its timeout.</summary>
    private async Task<(string? Status, string? Exception)> PollAsync(string jobName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (true)
        {
            using (var request = await RequestAsync(HttpMethod.Get, $"jobs/{jobName}", cancellationToken).ConfigureAwait(false))
            using (var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false))
            {
                if (response.IsSuccessStatusCode)
                {
                    var job = await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
                        cancellationToken: cancellationToken).ConfigureAwait(false);
                    var status = job?["properties"]?["status"]?.GetValue<string>();
                    if (status is not null && Terminal.Contains(status))
                    {
                        return (status, job?["properties"]?["exception"]?.ToString());
                    }
                }
                else if (response.StatusCode != HttpStatusCode.TooManyRequests && (int)response.StatusCode < 500)
                {
                    throw new HttpRequestException(
                        $"Azure Automation job {jobName}: {await ArmErrorAsync(response, cancellationToken).ConfigureAwait(false)}", null, response.StatusCode);
                }
            }

            if (_time.GetUtcNow() >= deadline)
            {
                await StopJobAsync(jobName, cancellationToken).ConfigureAwait(false);
                return (null, null);
            }

            await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StopJobAsync(string jobName, CancellationToken cancellationToken)
    {
        using var request = await RequestAsync(HttpMethod.Post, $"jobs/{jobName}/stop", cancellationToken).ConfigureAwait(false);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            LogStopFailed(_logger, jobName, (int)response.StatusCode);
        }
    }

    private async Task<JsonNode?> ReadOutputAsync(string jobName, CancellationToken cancellationToken)
    {
        using var request = await RequestAsync(HttpMethod.Get, $"jobs/{jobName}/output", cancellationToken).ConfigureAwait(false);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var text = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
        if (text.Length == 0)
        {
            return null;
        }

        try
        {
            // Runbooks write their { before, after, changed, messages } object; Automation returns output as text.
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private async Task<(List<string> Errors, List<string> Warnings, List<string> Verbose, bool Truncated)> ReadStreamsAsync(
        string jobName, CancellationToken cancellationToken)
    {
        List<string> errors = [], warnings = [], verbose = [];
        var read = 0;
        string? next = $"jobs/{jobName}/streams";
        while (next is not null)
        {
            using var request = await RequestAsync(HttpMethod.Get, next, cancellationToken).ConfigureAwait(false);
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                break;
            }

            var page = await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var record in page?["value"]?.AsArray() ?? [])
            {
                if (++read > _options.MaxStreamRecords)
                {
                    return (errors, warnings, verbose, true);
                }

                var properties = record?["properties"];
                var text = properties?["streamText"]?.ToString() ?? properties?["summary"]?.ToString() ?? "";
                switch (properties?["streamType"]?.ToString())
                {
                    case "Error":
                        errors.Add(text);
                        break;
                    case "Warning":
                        warnings.Add(text);
                        break;
                    case "Verbose":
                        verbose.Add(text);
                        break;
                }
            }

            next = page?["nextLink"]?.ToString();
        }

        return (errors, warnings, verbose, false);
    }

    private async Task<HttpRequestMessage> RequestAsync(HttpMethod method, string relative, CancellationToken cancellationToken)
    {
        Uri uri;
        if (Uri.TryCreate(relative, UriKind.Absolute, out var absolute))
        {
            // A nextLink: followed only on the configured endpoint, so a response cannot send the token elsewhere.
            if (!string.Equals(absolute.GetLeftPart(UriPartial.Authority), _options.Endpoint.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
            {
                throw new HttpRequestException($"Azure Automation returned a link to {absolute.Host}, not {_options.Endpoint.Host}; not followed.");
            }

            uri = absolute;
        }
        else
        {
            var account = $"subscriptions/{Uri.EscapeDataString(_options.SubscriptionId)}/resourceGroups/{Uri.EscapeDataString(_options.ResourceGroup)}" +
                $"/providers/Microsoft.Automation/automationAccounts/{Uri.EscapeDataString(_options.AccountName)}/";
            uri = new Uri(_options.Endpoint, account + relative + "?api-version=" + Uri.EscapeDataString(_options.ApiVersion));
        }

        var token = await _credential.GetTokenAsync(new TokenRequestContext(Scopes), cancellationToken).ConfigureAwait(false);
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return request;
    }

    private static async Task<string> ArmErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var error = JsonNode.Parse(text)?["error"];
            if (error is not null)
            {
                return $"{(int)response.StatusCode} {error["code"]}: {error["message"]}";
            }
        }
        catch (JsonException)
        {
            // Not ARM's error shape: show the start of the body.
        }

        return $"{(int)response.StatusCode} {response.ReasonPhrase}: {text[..Math.Min(text.Length, 300)]}";
    }

    [LoggerMessage(30, LogLevel.Information, "Azure Automation job {JobName} started for {Runbook} on worker group {Group}")]
    private static partial void LogJobStarted(ILogger logger, string jobName, string runbook, string group);

    [LoggerMessage(31, LogLevel.Information, "Azure Automation job {JobName} ended: {Status}")]
    private static partial void LogJobFinished(ILogger logger, string jobName, string status);

    [LoggerMessage(32, LogLevel.Warning, "Azure Automation refused to stop job {JobName} ({StatusCode})")]
    private static partial void LogStopFailed(ILogger logger, string jobName, int statusCode);
}
