using System.Management.Automation.Language;
using ImapAutomation.Testing;

namespace ImapAutomation.Runbooks.Tests.Pester;

/// <summary>
/// The Pester tests under runbooks/tests, found by parsing the files (no runspace), so that xunit can list one case
/// per Pester <c>It</c> at discovery time. A data-driven <c>It</c> (-ForEach) is one case covering all its rows.
/// </summary>
internal static class PesterSuite
{
    public static string Folder => RepoPaths.InRoot("runbooks", "tests");

    public static IReadOnlyList<(string File, string Test)> Discover()
    {
        var found = new List<(string, string)>();
        foreach (var file in Directory.GetFiles(Folder, "*.Tests.ps1").Order(StringComparer.Ordinal))
        {
            var ast = Parser.ParseFile(file, out _, out var errors);
            if (errors.Length > 0)
            {
                throw new InvalidOperationException($"{file}:{errors[0].Extent.StartLineNumber}: {errors[0].Message}");
            }

            foreach (CommandAst it in ast.FindAll(a => a is CommandAst c && IsBlock(c, "It"), searchNestedScriptBlocks: true))
            {
                found.Add((Path.GetFileName(file), PathOf(it)));
            }
        }

        return found;
    }

    /// <summary>The test's path as Pester reports it (<c>Test.Path</c>): block names and the test name, unexpanded.</summary>
    internal static string PathOf(CommandAst it)
    {
        var names = new List<string> { NameOf(it) };
        for (var parent = it.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is CommandAst c && (IsBlock(c, "Describe") || IsBlock(c, "Context")))
            {
                names.Insert(0, NameOf(c));
            }
        }

        return Join(names);
    }

    public static string Join(IEnumerable<string> names) => string.Join(" > ", names);

    private static bool IsBlock(CommandAst command, string name) =>
        string.Equals(command.GetCommandName(), name, StringComparison.OrdinalIgnoreCase);

    private static string NameOf(CommandAst command)
    {
        // The name is the first argument that is not a parameter: Describe 'name' { ... } or It -Name 'name'.
        var elements = command.CommandElements;
        for (var i = 1; i < elements.Count; i++)
        {
            if (elements[i] is CommandParameterAst parameter)
            {
                if (parameter.ParameterName.Equals("Name", StringComparison.OrdinalIgnoreCase) && i + 1 < elements.Count)
                {
                    return ValueOf(elements[i + 1], command);
                }

                if (parameter.Argument is null)
                {
                    i++; // skip the parameter's value (e.g. -ForEach $cases)
                }

                continue;
            }

            return ValueOf(elements[i], command);
        }

        throw new InvalidOperationException($"{command.Extent.File}:{command.Extent.StartLineNumber}: a {command.GetCommandName()} without a name.");
    }

    private static string ValueOf(CommandElementAst element, CommandAst command) => element switch
    {
        StringConstantExpressionAst s => s.Value,
        _ => throw new InvalidOperationException(
            $"{command.Extent.File}:{command.Extent.StartLineNumber}: give {command.GetCommandName()} a literal name so xunit can list it."),
    };
}
