using Microsoft.AspNetCore.Mvc;

namespace ImapAutomation.Functions.Http;

/// <summary>RFC 9457 problem details: every 4xx says what was wrong and where, in one shape clients can parse.</summary>
internal static class Problem
{
    public static ObjectResult Create(int status, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        return new ObjectResult(problem) { StatusCode = status, ContentTypes = { "application/problem+json" } };
    }
}
