namespace ImapAutomation.Testing;

/// <summary>Where the bootstrap put Pester's module (from its NuGet package).</summary>
public static class PesterPaths
{
    public static string Module
    {
        get
        {
            var path = Path.Combine(RepoPaths.Tools, "pester", "Pester.psd1");
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException($"Pester is not installed at {path}. Run scripts/bootstrap.sh first.");
        }
    }
}
