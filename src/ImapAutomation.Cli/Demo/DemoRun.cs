using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Incidents;
using ImapAutomation.Core.Probe;
using ImapAutomation.LocalParts.Azurite;

namespace ImapAutomation.Cli.Demo;

/// <summary>What one run is asked to do (parsed by <see cref="DemoCommand"/>).</summary>
internal sealed record DemoOptions(DemoScenario Scenario, bool Json, string? DataFolder, bool Render, bool Replay, bool Keep, TimeSpan Timeout, int Events);

/// <summary>
/// One demo run: starts every part on loopback, pushes the storm, follows the incident to its end while printing the
/// timeline, approves what needs approval, checks the outcome and stops everything it started.
/// </summary>
internal sealed partial class DemoRun
{
    private const string SigningKeyId = "demo";
    private readonly DemoOptions _options;
    private readonly TextWriter _timeline;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _write = new();

    public DemoRun(DemoOptions options, TextWriter timeline)
    {
        _options = options;
        _timeline = timeline;
    }

    public async Task<DemoSummary> RunAsync(CancellationToken cancellationToken)
    {
        var scenario = _options.Scenario;
        var paths = DemoPaths.Find();
        var dataFolder = _options.DataFolder is { } given
            ? Directory.CreateDirectory(given).FullName
            : Directory.CreateTempSubdirectory("imapauto-demo-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dataFolder, (UnixFileMode)Convert.ToInt32("755", 8));
        }

        Say($"scenario {scenario.Name}: {scenario.Summary}");
        Say($"data folder {dataFolder}");
        var signingKey = RandomNumberGenerator.GetBytes(32);
        try
        {
            var lab = DemoLab.Prepare(paths, scenario, dataFolder);
            var labAtStart = lab.ReadServer(DemoScenario.BrokenServer);
            await using var sink = TeamsSink.Start(dataFolder);
            sink.CardPosted += card => Say($"card {card.Number} posted to Teams: {card.Headline}");
            await using var endpoint = ImapEndpoint.Create(dataFolder);
            await endpoint.UseAsync(scenario.CertificateBoundAtStart, cancellationToken).ConfigureAwait(false);
            await using var storage = await AzuriteServer.StartAsync(paths.Azurite, Path.Combine(dataFolder, "azurite"), cancellationToken).ConfigureAwait(false);
            Say($"Azurite (pid {storage.ProcessId}), Teams sink {sink.Url.GetLeftPart(UriPartial.Authority)}, ex01 IMAPS on 127.0.0.1:{endpoint.Port}"
                + (endpoint.DovecotProcessId is { } pid ? $" (Dovecot pid {pid})" : " (no certificate bound: BYE Connection is closed. 14)"));
            var before = await ProbeAsync(endpoint, cancellationToken).ConfigureAwait(false);
            Say($"before: Test-ImapTls {DemoScenario.BrokenServer}: {before.Outcome}: {before.Message}");

            await using var cloud = await LocalCloud.StartAsync(storage.ConnectionString, SigningKeyId, signingKey, sink.Url, cancellationToken).ConfigureAwait(false);
            Exception? loopFailure = null;
            cloud.LoopFailed += ex =>
            {
                loopFailure = ex;
                Say($"cloud loop failed: {ex.GetType().Name}: {ex.Message}");
            };
            await using var worker = await LocalWorker.StartAsync(paths, lab, endpoint, storage.ConnectionString, SigningKeyId, signingKey, dataFolder,
                (runbook, server) => Say($"worker: running {runbook} on {server}"), cancellationToken).ConfigureAwait(false);
            cloud.Run(TimeSpan.FromSeconds(1));
            Say("cloud (ReceiveEvents, ProcessRunbookResult, Approvals, engine timer) and hybrid worker (lab as Exchange) running");

            var storm = DemoStorm.Build(scenario, DateTimeOffset.UtcNow, _options.Events);
            using var follow = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            follow.CancelAfter(_options.Timeout);
            var watcher = new IncidentWatcher(cloud, sink, scenario.IncidentId, Say);
            var watching = watcher.FollowAsync(follow.Token);
            var ingested = await PushAsync(cloud, storm, "storm", cancellationToken).ConfigureAwait(false);

            Incident? final;
            try
            {
                final = await watching.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                final = await cloud.Engine.GetAsync(scenario.IncidentId, CancellationToken.None).ConfigureAwait(false);
                Say($"timed out after {_options.Timeout.TotalSeconds:0} s with the incident {final?.State.ToString() ?? "not opened"}");
            }

            await watcher.WaitForCardsAsync(final, cancellationToken).ConfigureAwait(false);
            // The incident may close while the storm is still arriving; the replay compares with its state after all of it.
            final = await cloud.Engine.GetAsync(scenario.IncidentId, cancellationToken).ConfigureAwait(false) ?? final;
            var requests = await cloud.CountRequestsAsync(cancellationToken).ConfigureAwait(false);
            DemoReplay? replay = null;
            if (_options.Replay && final is not null)
            {
                replay = await ReplayAsync(cloud, sink, storm, final, requests, cancellationToken).ConfigureAwait(false);
            }

            var after = await ProbeAsync(endpoint, cancellationToken).ConfigureAwait(false);
            Say($"after: Test-ImapTls {DemoScenario.BrokenServer}: {after.Outcome}: {after.Message}");
            if (_options.Render)
            {
                await CardRenderer.RenderAllAsync(paths, sink.Cards, Say, cancellationToken).ConfigureAwait(false);
            }

            var incidents = await cloud.ListIncidentsAsync(cancellationToken).ConfigureAwait(false);
            var problems = Check(scenario, final, labAtStart, lab.ReadServer(DemoScenario.BrokenServer), after, sink, replay, loopFailure, watcher);
            problems.AddRange(incidents.Where(i => i.Id != scenario.IncidentId).Select(i => $"an unexpected incident {i.Id} ({i.State})"));
            var verdict = problems.Count == 0
                ? scenario.ExpectedState == IncidentState.Resolved ? "resolved and verified" : "diagnosed and escalated to people; nothing changed"
                : string.Join("; ", problems);
            Say(problems.Count == 0 ? $"done: {verdict}" : $"FAILED: {verdict}");
            return new DemoSummary(scenario.Name, problems.Count == 0, verdict,
                [.. incidents.OrderBy(i => i.Id != scenario.IncidentId).Select(i => Describe(i.Id == scenario.IncidentId && final is not null ? final : i, sink))],
                ingested, requests, _clock.ElapsedMilliseconds, dataFolder, replay);
        }
        finally
        {
            if (!_options.Keep && _options.DataFolder is null)
            {
                TryDelete(dataFolder);
            }
        }
    }

    private static List<string> Check(
        DemoScenario scenario, Incident? final, System.Text.Json.Nodes.JsonObject labAtStart, System.Text.Json.Nodes.JsonObject labAtEnd,
        ImapTlsProbeResult after, TeamsSink sink, DemoReplay? replay, Exception? loopFailure, IncidentWatcher watcher)
    {
        var problems = new List<string>();
        if (final is null)
        {
            problems.Add($"no incident {scenario.IncidentId} was opened");
            return problems;
        }

        if (final.State != scenario.ExpectedState)
        {
            problems.Add($"the incident is {final.State} ({final.StateReason}), expected {scenario.ExpectedState}");
        }

        var last = final.Plan.LastOrDefault();
        if (last is null || last.Runbook != RunbookNames.TestImapTls || last.State != StepState.Succeeded)
        {
            problems.Add($"the plan's last step is {last?.Runbook} {last?.State}, not a passed Test-ImapTls");
        }

        if (!after.Succeeded)
        {
            problems.Add($"ex01's IMAPS endpoint still fails Test-ImapTls ({after.Outcome})");
        }

        if (scenario.CheckFixed(labAtStart, labAtEnd) is { } labProblem)
        {
            problems.Add("lab: " + labProblem);
        }

        problems.AddRange(sink.Refusals.Select(r => "Teams sink refused a post: " + r));
        problems.AddRange(watcher.Problems);
        if (loopFailure is not null)
        {
            problems.Add($"a cloud loop failed: {loopFailure.Message}");
        }

        if (replay is { Changes.Count: > 0 })
        {
            problems.Add("the replayed storm changed: " + string.Join(", ", replay.Changes));
        }

        return problems;
    }

    private async Task<long> PushAsync(LocalCloud cloud, IReadOnlyList<StormBatch> storm, string what, CancellationToken cancellationToken)
    {
        var total = storm.Sum(b => (long)b.Events);
        long ingested = 0;
        foreach (var batch in storm)
        {
            var (summary, problem) = await cloud.PostEventsAsync(batch, cancellationToken).ConfigureAwait(false);
            if (summary is null)
            {
                throw new DemoException($"ReceiveEvents refused a {what} batch: {problem}");
            }

            ingested += summary.Events;
            Say($"{what}: {ingested}/{total} events ingested ({summary.Detections} detection(s) in this post)");
        }

        return ingested;
    }

    private async Task<DemoReplay> ReplayAsync(LocalCloud cloud, TeamsSink sink, IReadOnlyList<StormBatch> storm, Incident final, int requests, CancellationToken cancellationToken)
    {
        var cards = sink.Cards.Count;
        Say("replay: the same storm a second time (a forwarder redelivering)");
        var ingested = await PushAsync(cloud, storm, "replay", cancellationToken).ConfigureAwait(false);
        // Give the engine's timer and any relay a moment to act on the replay, as they would in the cloud.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        var again = await cloud.Engine.GetAsync(final.Id, cancellationToken).ConfigureAwait(false);
        var changes = new List<string>();
        void Compare<T>(string name, T first, T second)
        {
            if (!EqualityComparer<T>.Default.Equals(first, second))
            {
                changes.Add($"{name} {first} -> {second}");
            }
        }

        Compare("state", final.State, again?.State);
        Compare("episode", final.Episode, again?.Episode);
        Compare("attempt", final.Attempt, again?.Attempt);
        Compare("event count", final.EventCount, again?.EventCount);
        Compare("plan", PlanText(final), again is null ? "" : PlanText(again));
        Compare("runbook requests", requests, await cloud.CountRequestsAsync(cancellationToken).ConfigureAwait(false));
        Compare("cards posted", cards, sink.Cards.Count);
        Say(changes.Count == 0 ? $"replay: {ingested} events ingested, nothing changed" : "replay changed: " + string.Join(", ", changes));
        return new DemoReplay(ingested, changes);
    }

    private static string PlanText(Incident incident) =>
        string.Join(",", incident.Plan.Select(s => $"{s.Runbook}:{s.State}:{s.RequestId}"));

    private static DemoIncident Describe(Incident incident, TeamsSink sink) => new(
        incident.Id, incident.Server, incident.Kind.ToString(), incident.State.ToString(), incident.StateReason,
        [.. incident.Plan.Select(s => new DemoRunbook(s.Runbook, s.State.ToString(), s.Outcome))],
        [.. sink.Cards.Where(c => c.Card.ToJsonString().Contains("/incidents/" + incident.Id, StringComparison.OrdinalIgnoreCase))
            .Select(c => new DemoCard(c.Number, c.Headline, c.JsonPath, c.PngPath))]);

    private static async Task<ImapTlsProbeResult> ProbeAsync(ImapEndpoint endpoint, CancellationToken cancellationToken)
    {
        var probe = new ImapTlsProbe(TimeProvider.System);
        var options = new ImapTlsProbeOptions
        {
            Host = ImapEndpoint.HostName,
            Port = endpoint.Port,
            Trust = ImapTlsTrust.PinnedCa,
            PinnedCaFile = endpoint.CaCertificatePath,
            Timeout = TimeSpan.FromSeconds(10),
        };
        return await probe.ProbeAsync(options, cancellationToken).ConfigureAwait(false);
    }

    private void Say(string line)
    {
        lock (_write)
        {
            _timeline.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,7:0.00}s] {line}"));
            _timeline.Flush();
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Dovecot may leave sockets owned by its own users; a temp folder left behind is harmless.
        }
    }

    [GeneratedRegex(@"/approvals/(?<token>[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    internal static partial Regex ApprovalLink();
}
