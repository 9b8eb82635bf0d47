using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ImapAutomation.Functions.Http;

/// <summary>
/// Reads an HTTP body into memory within a byte limit and an allow-list of media types, or says why not (413, 415,
/// 400) in a problem+json body. The limit holds even when Content-Length lies or is absent (chunked uploads).
/// </summary>
internal static class RequestBody
{
    public static async Task<(byte[]? Body, IActionResult? Error)> ReadAsync(
        HttpRequest request, long maxBytes, IReadOnlyCollection<string> mediaTypes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(mediaTypes);
        var mediaType = request.ContentType?.Split(';', 2)[0].Trim() ?? "";
        if (!mediaTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            return (null, Problem.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type",
                $"Content-Type '{(mediaType.Length == 0 ? "(none)" : mediaType)}' is not accepted here; send one of: {string.Join(", ", mediaTypes)}."));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(request.ContentLength.Value, maxBytes));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, TooLarge(buffer.Length + read, maxBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return (null, Problem.Create(StatusCodes.Status400BadRequest, "Empty body", "The request has no body."));
        }

        return (buffer.ToArray(), null);
    }

    private static ObjectResult TooLarge(long seen, long maxBytes) =>
        Problem.Create(StatusCodes.Status413PayloadTooLarge, "Body too large",
            $"The body is at least {seen} bytes; at most {maxBytes} are accepted. Split the batch.");
}
