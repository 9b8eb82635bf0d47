using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ImapAutomation.Core.LogAnalytics;

/// <summary>
/// A small client of the Log Analytics query API on Azure.Core's pipeline (Azure.Monitor.Query is not available to
/// this project): bearer tokens for <see cref="LogAnalyticsClientOptions.Scope"/>, the pipeline's retries for 429
/// and 5xx with Retry-After, a server-side timeout, and a bounded response size.
/// </summary>
public partial class LogAnalyticsClient
{
    private readonly HttpPipeline _pipeline;
    private readonly LogAnalyticsClientOptions _options;

    public LogAnalyticsClient(TokenCredential credential, LogAnalyticsClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        _options = options ?? new LogAnalyticsClientOptions();
        Validator.ValidateObject(_options, new ValidationContext(_options), validateAllProperties: true);

        // The client must wait at least as long as the service is allowed to run the query.
        var minimumNetworkTimeout = _options.ServerTimeout + TimeSpan.FromSeconds(30);
        if (_options.Retry.NetworkTimeout < minimumNetworkTimeout)
        {
            _options.Retry.NetworkTimeout = minimumNetworkTimeout;
        }

        _pipeline = HttpPipelineBuilder.Build(_options, new BearerTokenAuthenticationPolicy(credential, _options.Scope));
    }

    /// <summary>For mocking only.</summary>
    protected LogAnalyticsClient()
    {
        _pipeline = null!;
        _options = null!;
    }

    /// <summary><c>POST /v1/workspaces/{workspaceId}/query</c> with <c>{"query","timespan"}</c>.</summary>
    public virtual async Task<LogsQueryResult> QueryWorkspaceAsync(
        string workspaceId, string query, LogsQueryTimeRange? timeRange, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        if (!Guid.TryParse(workspaceId, out var workspace))
        {
            throw new ArgumentException($"'{workspaceId}' is not a Log Analytics workspace id (a GUID).", nameof(workspaceId));
        }

        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Post;
        message.Request.Uri.Reset(_options.Endpoint);
        message.Request.Uri.AppendPath("/v1/workspaces/", escape: false);
        message.Request.Uri.AppendPath(workspace.ToString("D"), escape: true);
        message.Request.Uri.AppendPath("/query", escape: false);
        message.Request.Headers.Add(HttpHeader.Names.ContentType, "application/json");
        var body = new LogsQueryRequestBody(query, timeRange?.ToString());
        message.Request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(body, LogsJsonContext.Default.LogsQueryRequestBody));
        return await SendAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET</c> a <c>linkToSearchResultsAPI</c> or <c>linkToFilteredSearchResultsAPI</c> of an alert payload. The link
    /// comes from a webhook body, so it is followed only to the configured endpoint: a token is never sent elsewhere.
    /// </summary>
    public virtual async Task<LogsQueryResult> QuerySearchResultsLinkAsync(Uri link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (!link.IsAbsoluteUri
            || link.Scheme != Uri.UriSchemeHttps
            || !string.Equals(link.Host, _options.Endpoint.Host, StringComparison.OrdinalIgnoreCase)
            || link.Port != _options.Endpoint.Port
            || !SearchResultsPath().IsMatch(link.AbsolutePath))
        {
            throw new ArgumentException(
                $"The search-results link '{link}' is not a query of {_options.Endpoint.GetLeftPart(UriPartial.Authority)}; it is not followed.",
                nameof(link));
        }

        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(link);
        return await SendAsync(message, cancellationToken).ConfigureAwait(false);
    }

    private async Task<LogsQueryResult> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        message.Request.Headers.Add(HttpHeader.Names.Accept, "application/json");
        message.Request.Headers.Add("Prefer", string.Create(CultureInfo.InvariantCulture, $"wait={(int)_options.ServerTimeout.TotalSeconds}"));
        message.BufferResponse = false;
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        var response = message.Response;
        var bytes = await ReadBoundedAsync(response, cancellationToken).ConfigureAwait(false);
        if (response.IsError)
        {
            response.ContentStream = new MemoryStream(bytes, writable: false);
            throw new RequestFailedException(response);
        }

        return Parse(bytes);
    }

    private async Task<byte[]> ReadBoundedAsync(Response response, CancellationToken cancellationToken)
    {
        if (response.ContentStream is null)
        {
            return [];
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await response.ContentStream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > _options.MaxResponseBytes)
            {
                throw new LogAnalyticsResponseException(
                    $"The query response is larger than {_options.MaxResponseBytes} bytes (MaxResponseBytes); narrow the query or raise the limit.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    internal static LogsQueryResult Parse(byte[] bytes)
    {
        LogsResponseBody? body;
        try
        {
            body = JsonSerializer.Deserialize(bytes, LogsJsonContext.Default.LogsResponseBody);
        }
        catch (JsonException ex)
        {
            throw new LogAnalyticsResponseException(
                $"The query response is not valid JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}: {ex.Message}", ex);
        }

        if (body?.Tables is null)
        {
            throw new LogAnalyticsResponseException("The query response has no 'tables'.");
        }

        var tables = new List<LogsTable>(body.Tables.Count);
        foreach (var table in body.Tables)
        {
            var columns = (table.Columns ?? []).Select(c => new LogsColumn(c.Name ?? "", c.Type ?? "")).ToList();
            var rows = table.Rows ?? [];
            for (var r = 0; r < rows.Count; r++)
            {
                if (rows[r] is null || rows[r].Length != columns.Count)
                {
                    throw new LogAnalyticsResponseException(
                        $"Row {r} of table '{table.Name}' has {rows[r]?.Length ?? 0} values for {columns.Count} columns.");
                }
            }

            tables.Add(new LogsTable(table.Name ?? "", columns, rows));
        }

        return new LogsQueryResult(tables, ToError(body.Error), new BinaryData(bytes));
    }

    private static LogsQueryError? ToError(LogsErrorBody? error) =>
        error is null
            ? null
            : new LogsQueryError(error.Code ?? "", error.Message ?? "", (error.Details ?? []).Select(ToError).OfType<LogsQueryError>().ToList());

    [GeneratedRegex(@"^/v1/(workspaces|subscriptions)/[^?#]+/query$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SearchResultsPath();
}
