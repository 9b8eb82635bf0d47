using System.Text.Json;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Probe;
using ImapAutomation.HybridWorker.Dispatch;
using Microsoft.Extensions.Options;

namespace ImapAutomation.HybridWorker.Verification;

/// <summary>
/// Puts the Test-ImapTls probe in front of a back end: a <c>Test-ImapTls</c> request is the C# probe itself (it is not
/// a script), and a successful real run of a <see cref="VerificationOptions.ProbeAfterRunbooks"/> runbook is followed by the
/// probe against its target. Both happen inside the executor, so the verdict is in the ledger and replays repeat it.
/// </summary>
public sealed partial class VerifyingDispatcher(
    IRunbookDispatcher inner, ImapTlsProbe probe, IOptions<VerificationOptions> options, TimeProvider time, ILogger<VerifyingDispatcher> logger)
    : IRunbookDispatcher
{
    public const string ProbeBackendName = "Probe";

    public async Task<RunbookOutcome> DispatchAsync(RunbookDispatch dispatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        if (dispatch.Runbook == RunbookNames.TestImapTls)
        {
            return await ProbeOnlyAsync(dispatch, cancellationToken).ConfigureAwait(false);
        }

        var outcome = await inner.DispatchAsync(dispatch, cancellationToken).ConfigureAwait(false);
        if (outcome.Status != RunbookOutcomeStatus.Succeeded || dispatch.WhatIf ||
            !options.Value.ProbeAfterRunbooks.Contains(dispatch.Runbook, StringComparer.Ordinal))
        {
            return outcome;
        }

        var result = await probe.ProbeAsync(options.Value.ProbeFor(dispatch.Server, null), cancellationToken).ConfigureAwait(false);
        LogProbed(logger, dispatch.RequestId, dispatch.Server, result.Outcome);
        return outcome with { VerificationPassed = result.Succeeded, VerificationDetail = Detail(result) };
    }

    private async Task<RunbookOutcome> ProbeOnlyAsync(RunbookDispatch dispatch, CancellationToken cancellationToken)
    {
        var settings = options.Value.ProbeFor(dispatch.Server, dispatch.Parameters.GetValueOrDefault("ExpectedHostName") as string);
        if (dispatch.Parameters.GetValueOrDefault("Port") is long port)
        {
            settings.Port = (int)port;
        }

        var startedAt = time.GetUtcNow();
        if (dispatch.WhatIf)
        {
            // A handshake changes nothing, but -WhatIf promises that nothing is done at all.
            return RunbookOutcome.For(dispatch, ProbeBackendName, RunbookOutcomeStatus.Succeeded, startedAt, startedAt) with
            {
                Messages = [$"would probe {settings.Host}:{settings.EffectivePort}"],
            };
        }

        var result = await probe.ProbeAsync(settings, cancellationToken).ConfigureAwait(false);
        LogProbed(logger, dispatch.RequestId, dispatch.Server, result.Outcome);
        return RunbookOutcome.For(dispatch, ProbeBackendName, result.Succeeded ? RunbookOutcomeStatus.Succeeded : RunbookOutcomeStatus.Failed, startedAt, time.GetUtcNow()) with
        {
            Output = JsonSerializer.SerializeToNode(result, ProbeJsonContext.Default.ImapTlsProbeResult),
            Messages = [Detail(result)],
            FailureMessage = result.Succeeded ? null : Detail(result),
            VerificationPassed = result.Succeeded,
            VerificationDetail = Detail(result),
        };
    }

    private static string Detail(ImapTlsProbeResult result) => $"Test-ImapTls {result.Host}:{result.Port}: {result.Outcome}: {result.Message}";

    [LoggerMessage(30, LogLevel.Information, "Request {RequestId}: Test-ImapTls against {Server}: {Outcome}")]
    private static partial void LogProbed(ILogger logger, Guid requestId, string server, ImapTlsOutcome outcome);
}
