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

    /// <summary>The read-only material beside the repository (../shared), or beside a folder above it (a worktree in ../wt/NAME).</summary>
    public static string Shared => LazyShared.Value;

    private static readonly Lazy<string> LazyShared = new(() =>
    {
        var beside = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
        for (var dir = new DirectoryInfo(Root).Parent; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "corpora")))
            {
                return candidate;
            }
        }

        // A fresh clone without shared/ beside it still has the excerpt the tests need (tests/shared/README.md).
        return Directory.Exists(beside) ? beside : InRoot("tests", "shared");
    });

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
