namespace ImapAutomation.Testing;

/// <summary>Locates the repository and the parts the bootstrap installed, so fixtures never depend on the current directory.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    /// <summary>Where scripts/bootstrap.sh puts tools that are not committed (Pester, Bicep).</summary>
    public static string Tools => Path.Combine(Root, ".tools");

    /// <summary>The npm packages pinned in tools/node (Azurite, the Adaptive Cards renderer).</summary>
    public static string NodeModules => Path.Combine(Root, "tools", "node", "node_modules");

    /// <summary>The read-only material beside the repository (../shared), if it is there.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string InRoot(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImapAutomation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ImapAutomation.sln above {AppContext.BaseDirectory}.");
    }
}
