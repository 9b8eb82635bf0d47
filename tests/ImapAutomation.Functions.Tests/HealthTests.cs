using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ImapAutomation.Functions.Tests;

public sealed class HealthTests
{
    [Fact]
    public void Run_AnyRequest_ReturnsOk()
    {
        var result = Health.Run(new DefaultHttpContext().Request);

        var ok = Assert.IsType<OkObjectResult>(result);
        Assert.Equal(200, ok.StatusCode ?? 200);
    }
}
