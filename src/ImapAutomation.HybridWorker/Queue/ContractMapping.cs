using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImapAutomation.Core.Contracts;
using ImapAutomation.HybridWorker.Dispatch;

namespace ImapAutomation.HybridWorker.Queue;

/// <summary>Between the queue contract (issue 4) and the worker's own dispatch and outcome types.</summary>
internal static class ContractMapping
{
    private const int MaxDetailChars = 2048;

    /// <summary>A verified request as a dispatch; parameter values become plain values (never script text).</summary>
    public static RunbookDispatch ToDispatch(RunbookRequest request) =>
        new(Guid.ParseExact(request.RequestId, "N"), request.Runbook, request.TargetServer,
            request.Parameters.ToDictionary(p => p.Key, p => ToValue(p.Value), StringComparer.Ordinal))
        {
            WhatIf = request.WhatIf,
        };

    public static RunbookResult Rejected(string requestId, string reason, DateTimeOffset now) => new()
    {
        SchemaVersion = RunbookResult.CurrentSchemaVersion,
        RequestId = requestId,
        Status = RunbookStatus.Rejected,
        StartedAt = now,
        CompletedAt = now,
        Error = RunbookResult.BoundStream("rejected by the hybrid worker: " + reason),
    };

    public static RunbookResult ToResult(string requestId, RunbookOutcome outcome)
    {
        var output = new StringBuilder();
        if (outcome.Replayed)
        {
            output.Append("[replayed: this request already ran at ").Append(outcome.StartedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture))
                .Append("; its recorded outcome is reported again, nothing was run]\n");
        }

        var before = State(outcome.Before, "before", output);
        var after = State(outcome.After, "after", output);
        foreach (var message in outcome.Messages)
        {
            output.Append(message).Append('\n');
        }

        if (outcome.Output is { } raw)
        {
            output.Append(raw.ToJsonString()).Append('\n');
        }

        Append(output, "warning: ", outcome.Warnings);
        Append(output, "information: ", outcome.Information);
        Append(output, "verbose: ", outcome.Verbose);
        if (outcome.OutputTruncated || outcome.StreamsTruncated)
        {
            output.Append("[the runbook wrote more than the worker keeps; the rest was dropped]\n");
        }

        var error = new StringBuilder();
        if (outcome.FailureMessage is { } failure)
        {
            error.Append(failure).Append('\n');
        }

        Append(error, "", outcome.Errors);
        return new RunbookResult
        {
            SchemaVersion = RunbookResult.CurrentSchemaVersion,
            RequestId = requestId,
            Status = outcome.Status switch
            {
                RunbookOutcomeStatus.Succeeded => RunbookStatus.Succeeded,
                RunbookOutcomeStatus.TimedOut => RunbookStatus.TimedOut,
                _ => RunbookStatus.Failed,
            },
            StartedAt = outcome.StartedAt,
            CompletedAt = outcome.CompletedAt,
            BeforeState = before,
            AfterState = after,
            Output = RunbookResult.BoundStream(output.ToString().TrimEnd('\n')),
            Error = RunbookResult.BoundStream(error.ToString().TrimEnd('\n')),
            Verification = outcome.VerificationPassed switch
            {
                true => VerificationOutcome.Passed,
                false => VerificationOutcome.Failed,
                null => VerificationOutcome.NotRun,
            },
            VerificationDetail = outcome.VerificationDetail is { Length: > MaxDetailChars } detail ? detail[..MaxDetailChars] : outcome.VerificationDetail,
        };
    }

    private static JsonElement? State(JsonNode? node, string name, StringBuilder output)
    {
        if (node is null)
        {
            return null;
        }

        var json = node.ToJsonString();
        if (json.Length > RunbookResult.MaxStateChars)
        {
            output.Append('[').Append(name).Append(" state of ").Append(json.Length).Append(" characters omitted: the contract carries at most ")
                .Append(RunbookResult.MaxStateChars).Append("]\n");
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static void Append(StringBuilder builder, string prefix, IReadOnlyList<string> lines)
    {
        foreach (var line in lines)
        {
            builder.Append(prefix).Append(line).Append('\n');
        }
    }

    private static object? ToValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var whole) ? whole : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => value.EnumerateArray().Select(ToValue).ToArray(),
        // The verifier's parameter schema admits none of these; refuse rather than guess.
        _ => throw new ArgumentException($"A parameter value of kind {value.ValueKind} cannot be passed to a runbook."),
    };
}
