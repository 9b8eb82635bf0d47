using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using ImapAutomation.LocalParts.Processes;

namespace ImapAutomation.Cli.Demo;

/// <summary>
/// <c>imapauto demo</c>: the whole loop on this machine (Azurite, the Exchange lab, Dovecot, the cloud half in
/// process, the hybrid worker, a local Teams sink). Exit 0 only when the scenario ended as it must: resolved and
/// verified, or for <c>tls</c> diagnosed and escalated with nothing changed.
/// </summary>
internal static class DemoCommand
{
    public const int ScenarioFailed = 2;
    public const int PartFailed = 3;

    public const string Usage = """
        Usage: imapauto demo [--scenario certificate|proxy|connection-limit|tls] [--json] [--replay]
                             [--events N] [--timeout 180s] [--data DIR] [--keep] [--no-render]
               imapauto demo latency [--runs 100] [--write docs/benchmarks.md]
        """;

    public static async Task<int> RunAsync(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Args is ["latency", ..])
        {
            return await DemoLatency.RunAsync(context, context.Args[1..]).ConfigureAwait(false);
        }

        if (!TryParse(context.Args, out var options, out var error))
        {
            await context.Stderr.WriteLineAsync("demo: " + error).ConfigureAwait(false);
            await context.Stderr.WriteLineAsync(Usage).ConfigureAwait(false);
            return CliApp.UsageError;
        }

        // Ctrl+C and SIGTERM stop the run; the parts it started are stopped on the way out.
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            cancel.Cancel();
        });
        try
        {
            var run = new DemoRun(options, options.Json ? context.Stderr : context.Stdout);
            var summary = await run.RunAsync(cancel.Token).ConfigureAwait(false);
            if (options.Json)
            {
                await context.Stdout.WriteLineAsync(JsonSerializer.Serialize(summary, DemoJsonContext.Default.DemoSummary)).ConfigureAwait(false);
            }
            else
            {
                await WriteSummaryAsync(context.Stdout, summary).ConfigureAwait(false);
            }

            return summary.Succeeded ? CliApp.Ok : ScenarioFailed;
        }
        catch (Exception ex) when (ex is DemoException or LocalPartException)
        {
            await context.Stderr.WriteLineAsync("demo: " + ex.Message).ConfigureAwait(false);
            return PartFailed;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await context.Stderr.WriteLineAsync("demo: stopped; every part it started has been stopped.").ConfigureAwait(false);
            return ScenarioFailed;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task WriteSummaryAsync(TextWriter stdout, DemoSummary summary)
    {
        await stdout.WriteLineAsync().ConfigureAwait(false);
        await stdout.WriteLineAsync($"Summary ({summary.Scenario}): {summary.Verdict}").ConfigureAwait(false);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  {summary.EventsIngested} events ingested, {summary.RunbookRequests} runbook requests, {summary.DurationMs / 1000.0:0.0} s")).ConfigureAwait(false);
        foreach (var incident in summary.Incidents)
        {
            await stdout.WriteLineAsync($"  {incident.Id}: {incident.State}{(incident.StateReason is null ? "" : " (" + incident.StateReason + ")")}").ConfigureAwait(false);
            foreach (var runbook in incident.Runbooks)
            {
                await stdout.WriteLineAsync($"    {runbook.Name,-26} {runbook.Status,-10} {runbook.Outcome}").ConfigureAwait(false);
            }

            foreach (var card in incident.Cards)
            {
                await stdout.WriteLineAsync($"    card {card.Number}: {card.Headline} -> {card.Png ?? card.Json}").ConfigureAwait(false);
            }
        }
    }

    private static bool TryParse(string[] args, out DemoOptions options, out string? error)
    {
        options = null!;
        error = null;
        var scenario = DemoScenario.Find("certificate")!;
        bool json = false, render = true, replay = false, keep = false;
        string? data = null;
        var timeout = TimeSpan.FromMinutes(3);
        var events = 3000;
        for (var i = 0; i < args.Length; i++)
        {
            string? Value() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--json":
                    json = true;
                    break;
                case "--no-render":
                    render = false;
                    break;
                case "--replay":
                    replay = true;
                    break;
                case "--keep":
                    keep = true;
                    break;
                case "--scenario":
                    var name = Value();
                    if (DemoScenario.Find(name ?? "") is not { } found)
                    {
                        error = $"unknown scenario '{name}'; one of {string.Join(", ", DemoScenario.All.Select(s => s.Name))}.";
                        return false;
                    }

                    scenario = found;
                    break;
                case "--data":
                    data = Value();
                    if (string.IsNullOrWhiteSpace(data))
                    {
                        error = "--data needs a folder.";
                        return false;
                    }

                    break;
                case "--timeout":
                    var text = Value() ?? "";
                    if (!int.TryParse(text.TrimEnd('s'), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is < 10 or > 3600)
                    {
                        error = $"--timeout '{text}' must be 10s to 3600s.";
                        return false;
                    }

                    timeout = TimeSpan.FromSeconds(seconds);
                    break;
                case "--events":
                    var count = Value() ?? "";
                    if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out events) || events is < 20 or > 200_000)
                    {
                        error = $"--events '{count}' must be 20 to 200000.";
                        return false;
                    }

                    break;
                default:
                    error = $"unknown option '{args[i]}'.";
                    return false;
            }
        }

        options = new DemoOptions(scenario, json, data, render, replay, keep || data is not null, timeout, events);
        return true;
    }
}
