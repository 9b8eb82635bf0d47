namespace ImapAutomation.Cli;

/// <summary>The demo, in the development build only (the native build leaves <c>Demo/</c> out).</summary>
internal static partial class CliApp
{
    static partial void AddDevelopmentCommands(Dictionary<string, Func<CliContext, Task<int>>> commands) =>
        commands["demo"] = Demo.DemoCommand.RunAsync;
}
