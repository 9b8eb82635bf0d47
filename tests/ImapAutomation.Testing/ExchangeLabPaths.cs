namespace ImapAutomation.Testing;

/// <summary>
/// The Exchange lab and the runbook catalog, for tests that run runbooks in hosted PowerShell: import
/// <see cref="Module"/>, point the lab at a copy of a fixture (Set-ExchangeLabState -Path, or EXCHANGELAB_STATE),
/// then invoke <see cref="Runbook"/> as a command with its parameters.
/// </summary>
public static class ExchangeLabPaths
{
    public static string Module => RepoPaths.InRoot("lab", "ExchangeLab", "ExchangeLab.psd1");

    /// <summary>The environment variable the lab reads when no state file was set in the runspace.</summary>
    public const string StateVariable = "EXCHANGELAB_STATE";

    /// <summary>A fixture state: <c>broken</c> (EX01 in the seed's incident, EX02 healthy) or <c>healthy</c>.</summary>
    public static string Fixture(string name) => RepoPaths.InRoot("lab", "ExchangeLab", "fixtures", name + ".json");

    /// <summary>Copies a fixture to <paramref name="destination"/>: the lab writes to its state file.</summary>
    public static string CopyFixture(string name, string destination)
    {
        File.Copy(Fixture(name), destination, overwrite: true);
        return destination;
    }

    public static string Runbook(string name) => RepoPaths.InRoot("runbooks", name + ".ps1");
}
