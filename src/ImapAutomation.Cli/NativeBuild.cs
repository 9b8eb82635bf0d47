namespace ImapAutomation.Cli;

/// <summary>
/// What the native (ahead-of-time compiled) <c>imapauto</c> says about the commands it leaves out: those that host the
/// whole stack in process and run from the repository (<c>demo</c>, <c>bench incidents</c>). Publish it with
/// <c>scripts/publish-native.sh</c>; the development build (<c>dotnet run --project src/ImapAutomation.Cli</c>) has them.
/// </summary>
internal static class NativeBuild
{
    public static Task<int> DemoAsync(CliContext context) =>
        DevelopmentOnlyAsync(context, "demo", "it hosts the Functions app, the hybrid worker and PowerShell in process");

    public static Task<int> BenchIncidentsAsync(CliContext context) =>
        DevelopmentOnlyAsync(context, "bench incidents", "it drives the incident store on Azurite through Azure.Data.Tables");

    private static async Task<int> DevelopmentOnlyAsync(CliContext context, string command, string why)
    {
        await context.Stderr.WriteLineAsync(
            $"imapauto {command} is in the development build only ({why}): dotnet run --project src/ImapAutomation.Cli -c Release -- {command}").ConfigureAwait(false);
        return CliApp.UsageError;
    }
}
