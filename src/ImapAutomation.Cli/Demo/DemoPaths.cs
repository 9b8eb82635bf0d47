using ImapAutomation.LocalParts.Azurite;

namespace ImapAutomation.Cli.Demo;

/// <summary>Where the repository's parts are: the lab module, the runbooks and the node tools the bootstrap installed.</summary>
internal sealed class DemoPaths(string root)
{
    public string Root { get; } = root;

    public string NodeTools => Path.Combine(Root, "tools", "node");

    public string Azurite => AzuriteServer.EntryUnder(Root);

    public string CardRenderer => Path.Combine(NodeTools, "render-card.mjs");

    public string LabModule => Path.Combine(Root, "lab", "ExchangeLab", "ExchangeLab.psd1");

    public string LabFixture(string name) => Path.Combine(Root, "lab", "ExchangeLab", "fixtures", name + ".json");

    public string Runbooks => Path.Combine(Root, "runbooks");

    /// <summary>The repository holding the binaries or the current folder (IMAPAUTO_ROOT overrides both).</summary>
    public static DemoPaths Find()
    {
        var configured = Environment.GetEnvironmentVariable("IMAPAUTO_ROOT");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(Path.Combine(configured, "ImapAutomation.sln"))
                ? new DemoPaths(Path.GetFullPath(configured))
                : throw new DemoException($"IMAPAUTO_ROOT={configured} is not the repository (no ImapAutomation.sln).");
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ImapAutomation.sln")))
                {
                    return new DemoPaths(dir.FullName);
                }
            }
        }

        throw new DemoException("imapauto demo runs from the repository (it needs lab/, runbooks/ and tools/node): run it there or set IMAPAUTO_ROOT.");
    }
}
