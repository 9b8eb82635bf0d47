using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;

namespace ImapAutomation.Core.Teams;

/// <summary>The two Graph identities Teams needs: a delegated service account to post (ChannelMessage.Send) and the app for the rest.</summary>
/// <param name="Delegated">Signs requests as the service account (channel messages and replies).</param>
/// <param name="Application">Signs requests as the app (TeamsActivity.Send, GroupMember.Read.All).</param>
public sealed record TeamsGraphAuthentication(IAuthenticationProvider Delegated, IAuthenticationProvider Application);

/// <summary>Graph clients over the resilient Teams HttpClient, one per identity.</summary>
public sealed class TeamsGraphClients(GraphServiceClient delegated, GraphServiceClient application)
{
    public GraphServiceClient Delegated { get; } = delegated;

    public GraphServiceClient Application { get; } = application;
}
