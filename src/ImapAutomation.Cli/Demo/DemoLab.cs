using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImapAutomation.Cli.Demo;

/// <summary>
/// The Exchange lab's state file for one run: a copy of the <c>broken</c> fixture (EX01 broken, EX02 healthy),
/// adjusted to the scenario. The runbooks change it through the lab module, as they would change Exchange.
/// </summary>
internal sealed class DemoLab
{
    private const string ImapCertificateThumbprint = "1A1B2C3D4E5F60718293A4B5C6D7E8F901234500";

    private DemoLab(string statePath) => StatePath = statePath;

    public string StatePath { get; }

    public static DemoLab Prepare(DemoPaths paths, DemoScenario scenario, string dataFolder)
    {
        var fixture = paths.LabFixture("broken");
        if (!File.Exists(fixture))
        {
            throw new DemoException($"The Exchange lab fixture is missing ({fixture}).");
        }

        var state = JsonNode.Parse(File.ReadAllText(fixture))!.AsObject();
        if (scenario.CertificateBoundAtStart)
        {
            // Every scenario but "certificate" starts from a server whose IMAP certificate is fine.
            var ex01 = Server(state, DemoScenario.BrokenServer);
            ex01["imapSettings"]!["X509CertificateName"] = DemoScenario.BrokenServer;
            foreach (var certificate in ex01["certificates"]!.AsArray())
            {
                if ((string?)certificate!["Thumbprint"] == ImapCertificateThumbprint)
                {
                    certificate["Services"]!.AsArray().Add("IMAP");
                }
            }
        }

        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(dataFolder, "lab")).FullName, "state.json");
        File.WriteAllText(path, state.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return new DemoLab(path);
    }

    /// <summary>The server as the lab holds it now (the lab rewrites the file on every change).</summary>
    public JsonObject ReadServer(string fqdn)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return Server(JsonNode.Parse(File.ReadAllText(StatePath))!.AsObject(), fqdn);
            }
            catch (Exception ex) when (attempt < 20 && ex is IOException or JsonException)
            {
                // The lab replaces the file while a runbook runs; read again shortly.
                Thread.Sleep(25);
            }
        }
    }

    /// <summary>IMAP has a certificate when X509CertificateName is set and a certificate lists the IMAP service.</summary>
    public static bool CertificateBound(JsonObject server) =>
        !string.IsNullOrEmpty((string?)server["imapSettings"]?["X509CertificateName"])
        && server["certificates"]!.AsArray().Any(c => ServesImap(c!["Services"]));

    // The fixtures list services as an array; Exchange prints them as "IMAP, POP, IIS, SMTP".
    private static bool ServesImap(JsonNode? services) => services switch
    {
        JsonArray list => list.Any(s => string.Equals((string?)s, "IMAP", StringComparison.OrdinalIgnoreCase)),
        JsonValue text => ((string?)text ?? "").Split(',', StringSplitOptions.TrimEntries).Contains("IMAP", StringComparer.OrdinalIgnoreCase),
        _ => false,
    };

    private static JsonObject Server(JsonObject state, string fqdn) =>
        state["servers"]!.AsArray().Select(s => s!.AsObject()).FirstOrDefault(s => string.Equals((string?)s["Fqdn"], fqdn, StringComparison.OrdinalIgnoreCase))
        ?? throw new DemoException($"The lab state has no server {fqdn}.");
}
