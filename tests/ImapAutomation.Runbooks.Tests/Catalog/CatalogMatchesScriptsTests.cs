using System.Management.Automation.Language;
using ImapAutomation.Core.Catalog;
using ImapAutomation.Core.Contracts;
using ImapAutomation.Testing;

namespace ImapAutomation.Runbooks.Tests.Catalog;

/// <summary>
/// The cloud validates requests against <see cref="RunbookCatalog"/> and the worker binds them to the scripts: a
/// parameter the catalog allows but a script does not declare, or a range wider than the script's, would be signed,
/// queued and then fail at binding on the Exchange side. These tests read each script's param block (PowerShell's own
/// parser) and hold the two together.
/// </summary>
public sealed class CatalogMatchesScriptsTests
{
    public static TheoryData<string> ScriptRunbooks() =>
        [.. RunbookNames.All.Where(name => name != RunbookNames.TestImapTls)];

    [Theory]
    [MemberData(nameof(ScriptRunbooks))]
    public void Script_DeclaresTheServerAndEveryCatalogParameter(string runbook)
    {
        var declared = Parameters(runbook);

        Assert.Contains("Server", declared.Keys);
        Assert.All(RunbookCatalog.Definitions[runbook].Parameters, p =>
            Assert.True(declared.ContainsKey(p.Name), $"{runbook}.ps1 does not declare -{p.Name}, which the catalog allows."));
    }

    [Theory]
    [MemberData(nameof(ScriptRunbooks))]
    public void CatalogRanges_FitInsideTheScriptsValidateRange(string runbook)
    {
        var declared = Parameters(runbook);
        foreach (var parameter in RunbookCatalog.Definitions[runbook].Parameters.Where(p => p.Type == ParameterType.WholeNumber))
        {
            var range = declared[parameter.Name].Attributes.OfType<AttributeAst>()
                .SingleOrDefault(a => a.TypeName.Name == "ValidateRange");
            Assert.NotNull(range);
            var min = Convert.ToInt64(((ConstantExpressionAst)range.PositionalArguments[0]).Value, System.Globalization.CultureInfo.InvariantCulture);
            var max = Convert.ToInt64(((ConstantExpressionAst)range.PositionalArguments[1]).Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(parameter.Min >= min && parameter.Max <= max,
                $"{runbook} -{parameter.Name}: the catalog allows {parameter.Min}..{parameter.Max}, the script {min}..{max}.");
        }
    }

    private static Dictionary<string, ParameterAst> Parameters(string runbook)
    {
        var ast = Parser.ParseFile(ExchangeLabPaths.Runbook(runbook), out _, out var errors);
        Assert.Empty(errors);
        return ast.ParamBlock.Parameters.ToDictionary(p => p.Name.VariablePath.UserPath, StringComparer.OrdinalIgnoreCase);
    }
}
