using System.Globalization;
using System.IO.Compression;
using System.Text;
using ImapAutomation.Core.Detection;

namespace ImapAutomation.Core.Cards;

/// <summary>Portal deep links that open Log Analytics with the query that shows an incident's evidence.</summary>
/// <remarks>
/// The link has the documented shape of the common alert schema's <c>linkToSearchResultsUI</c>:
/// <c>https://portal.azure.com#@{tenant}/blade/Microsoft_Azure_Monitoring_Logs/LogsBlade/source/Alerts.EmailLinks/scope/{json}/q/{base64(gzip(kql))}/prettify/1/timespan/{from}%2f{to}</c>.
/// </remarks>
internal static class LogAnalyticsLink
{
    private const string TimeFormat = "yyyy-MM-ddTHH:mm:ss.fffffff'Z'";

    public static Uri Build(string tenant, string workspaceResourceId, string query, DateTimeOffset from, DateTimeOffset to)
    {
        var scope = "{\"resources\":[{\"resourceId\":\"" + workspaceResourceId + "\"}]}";
        var timespan = Uri.EscapeDataString(Iso(from)) + "%2f" + Uri.EscapeDataString(Iso(to));
        return new Uri(
            "https://portal.azure.com#@" + Uri.EscapeDataString(tenant)
            + "/blade/Microsoft_Azure_Monitoring_Logs/LogsBlade/source/Alerts.EmailLinks/scope/" + Uri.EscapeDataString(scope)
            + "/q/" + Uri.EscapeDataString(Compress(query))
            + "/prettify/1/timespan/" + timespan);
    }

    /// <summary>The KQL over the Event table for one server's evidence, widened by five minutes either side.</summary>
    public static string EvidenceQuery(string server, IReadOnlyList<EvidenceItem> evidence, DateTimeOffset from, DateTimeOffset to)
    {
        var builder = new StringBuilder()
            .Append("Event\n| where TimeGenerated between (datetime(").Append(Iso(from.AddMinutes(-5)))
            .Append(") .. datetime(").Append(Iso(to.AddMinutes(5))).Append("))\n")
            .Append("| where Computer =~ ").Append(Literal(server))
            .Append(" or Computer startswith ").Append(Literal(server + ".")).Append('\n');
        var sources = evidence.Take(10).ToList();
        if (sources.Count > 0)
        {
            builder.Append("| where ");
            for (var i = 0; i < sources.Count; i++)
            {
                builder.Append(i == 0 ? string.Empty : " or ")
                    .Append("(Source == ").Append(Literal(sources[i].Source))
                    .Append(" and EventID == ").Append(sources[i].EventId.ToString(CultureInfo.InvariantCulture)).Append(')');
            }

            builder.Append('\n');
        }

        return builder.Append("| summarize Events = count() by Source, EventID, bin(TimeGenerated, 5m)\n| order by TimeGenerated asc").ToString();
    }

    /// <summary>A KQL string literal: event text is data, never query text.</summary>
    internal static string Literal(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (!char.IsControl(c))
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }

    internal static string Decompress(string base64)
    {
        using var input = new MemoryStream(Convert.FromBase64String(base64));
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static string Compress(string query)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(query));
        }

        return Convert.ToBase64String(output.ToArray());
    }

    private static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);
}
