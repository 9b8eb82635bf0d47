using ImapAutomation.Core.Teams;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Functions.Approvals;

/// <summary>Where approvers come from (<c>Functions:ApproverSource</c>).</summary>
public enum ApproverSource
{
    /// <summary>The UPNs in <c>Functions:Approvers</c>.</summary>
    List,

    /// <summary>Transitive members of the Entra group <c>Teams:OperatorsGroupId</c>, asked of Microsoft Graph on each decision.</summary>
    GraphGroup,
}

/// <summary>The one question Approvals, TriggerRunbook, resolve and rerun ask: may this signed-in person approve?</summary>
public interface IApproverCheck
{
    /// <summary>What the check consults, for a 403's reason.</summary>
    string Source { get; }

    Task<bool> IsApproverAsync(string upn, CancellationToken cancellationToken);
}

internal sealed class ConfiguredApprovers(IOptions<FunctionsOptions> options) : IApproverCheck
{
    public string Source => "Functions:Approvers";

    public Task<bool> IsApproverAsync(string upn, CancellationToken cancellationToken) => Task.FromResult(options.Value.IsApprover(upn));
}

internal sealed class GraphGroupApprovers(IApproverDirectory directory) : IApproverCheck
{
    public string Source => "the operators' group (Teams:OperatorsGroupId)";

    public Task<bool> IsApproverAsync(string upn, CancellationToken cancellationToken) => directory.IsOperatorAsync(upn, cancellationToken);
}
