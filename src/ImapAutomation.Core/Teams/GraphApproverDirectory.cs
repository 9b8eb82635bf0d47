using Microsoft.Extensions.Options;
using Microsoft.Graph.Users.Item.CheckMemberGroups;

namespace ImapAutomation.Core.Teams;

/// <summary>Answers "may this person approve?": membership of the operators' group, transitive, asked of Graph each time.</summary>
public interface IApproverDirectory
{
    Task<bool> IsOperatorAsync(string userId, CancellationToken cancellationToken);
}

internal sealed class GraphApproverDirectory(TeamsGraphClients clients, IOptions<TeamsOptions> options) : IApproverDirectory
{
    public async Task<bool> IsOperatorAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        if (userId.Length > 256 || userId.Any(c => char.IsControl(c) || c is '/' or '?' or '\\'))
        {
            throw new ArgumentException("The approver id must be an Entra object id or a user principal name.", nameof(userId));
        }

        var groupId = options.Value.OperatorsGroupId
            ?? throw new InvalidOperationException($"{TeamsOptions.SectionName}:{nameof(TeamsOptions.OperatorsGroupId)} is not set, so nobody can approve.");
        var response = await clients.Application.Users[userId].CheckMemberGroups
            .PostAsCheckMemberGroupsPostResponseAsync(new CheckMemberGroupsPostRequestBody { GroupIds = [groupId] }, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return response?.Value?.Contains(groupId, StringComparer.OrdinalIgnoreCase) == true;
    }
}
