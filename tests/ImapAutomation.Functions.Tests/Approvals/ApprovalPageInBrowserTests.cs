using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImapAutomation.Functions.Tests.Approvals;

/// <summary>The operator's path end to end: the link opened in real Chromium, Approve clicked, the incident moves on.</summary>
public sealed class ApprovalPageInBrowserTests(ApprovalHarness harness) : IClassFixture<ApprovalHarness>
{
    [Fact]
    public async Task OpenLinkAndClickApprove_InChromium_ApprovesTheStep()
    {
        var (incident, token) = await harness.AwaitingApprovalAsync("exch01.contoso.com");
        var engine = harness.Services.GetRequiredService<IncidentEngine>();
        await using var site = await ServeApprovalsAsync();

        var outcome = await RunNodeAsync("click-approve.mjs", $"{site.Url}/api/approvals/{token}", ApprovalHarness.Approver);

        Assert.Equal(200, outcome.GetProperty("before").GetProperty("status").GetInt32());
        Assert.StartsWith("Approve Get-ImapDiagnostics", outcome.GetProperty("before").GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal("Approved", outcome.GetProperty("after").GetProperty("title").GetString());
        Assert.Equal(IncidentState.Remediating, (await engine.GetAsync(incident.Id, CancellationToken.None))!.State);
    }

    private async Task<Site> ServeApprovalsAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Map("/api/approvals/{token}", async (HttpContext context, string token) =>
        {
            var result = (ContentResult)await harness.Get<Functions.Approvals.Approvals>().Run(context.Request, token, context.RequestAborted);
            context.Response.StatusCode = result.StatusCode ?? 200;
            context.Response.ContentType = result.ContentType;
            await context.Response.WriteAsync(result.Content ?? "", context.RequestAborted);
        });
        await app.StartAsync();
        return new Site(app, $"http://127.0.0.1:{port}");
    }

    private static async Task<JsonElement> RunNodeAsync(string script, params string[] args)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.InRoot("tools", "node") };
        info.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"node {script} failed: {await stderr}");
        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }

    private sealed record Site(WebApplication App, string Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
