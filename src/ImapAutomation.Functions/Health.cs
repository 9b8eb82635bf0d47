using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ImapAutomation.Functions;

/// <summary>Liveness for load balancers and the deploy workflow's smoke test.</summary>
public sealed class Health
{
    [Function(nameof(Health))]
    public static IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new OkObjectResult(new { status = "ok" });
    }
}
