using System.Text;
using ImapAutomation.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ImapAutomation.Functions.Tests.Http;

public sealed class RequestBodyTests
{
    private static readonly string[] Xml = ["application/xml", "text/xml"];

    [Fact]
    public async Task ReadAsync_AcceptedTypeWithinLimit_ReturnsTheBytes()
    {
        var (body, error) = await RequestBody.ReadAsync(Request("<Events/>", "text/xml; charset=utf-8"), 1024, Xml, CancellationToken.None);

        Assert.Null(error);
        Assert.Equal("<Events/>", Encoding.UTF8.GetString(body!));
    }

    [Fact]
    public async Task ReadAsync_WrongContentType_Is415NamingWhatIsAccepted()
    {
        var (_, error) = await RequestBody.ReadAsync(Request("<Events/>", "text/plain"), 1024, Xml, CancellationToken.None);

        var problem = AssertProblem(error, 415);
        Assert.Contains("'text/plain' is not accepted here; send one of: application/xml, text/xml", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_BodyOverTheLimitWithoutContentLength_Is413()
    {
        var request = Request(new string('x', 5000), "application/xml");
        request.ContentLength = null;

        var (_, error) = await RequestBody.ReadAsync(request, 1024, Xml, CancellationToken.None);

        AssertProblem(error, 413);
    }

    [Fact]
    public async Task ReadAsync_DeclaredLengthOverTheLimit_Is413WithoutReading()
    {
        var request = Request("<Events/>", "application/xml");
        request.ContentLength = 10_000_000;

        var (_, error) = await RequestBody.ReadAsync(request, 1024, Xml, CancellationToken.None);

        Assert.Contains("at least 10000000 bytes", AssertProblem(error, 413).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_EmptyBody_Is400()
    {
        var (_, error) = await RequestBody.ReadAsync(Request("", "application/xml"), 1024, Xml, CancellationToken.None);

        AssertProblem(error, 400);
    }

    private static HttpRequest Request(string body, string contentType)
    {
        var context = new DefaultHttpContext();
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        context.Request.ContentType = contentType;
        return context.Request;
    }

    private static ProblemDetails AssertProblem(IActionResult? result, int status)
    {
        var objectResult = Assert.IsType<ObjectResult>(result);
        Assert.Equal(status, objectResult.StatusCode);
        var problem = Assert.IsType<ProblemDetails>(objectResult.Value);
        Assert.Equal(status, problem.Status);
        return problem;
    }
}
