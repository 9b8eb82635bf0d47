using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ImapAutomation.Infra.Tests;

/// <summary>A compiled ARM template and the templates of its modules (nested deployments), read as JSON.</summary>
internal sealed partial class ArmTemplate
{
    private ArmTemplate(string deploymentName, JsonObject json, ArmTemplate? parent)
    {
        DeploymentName = deploymentName;
        Json = json;
        Parent = parent;
    }

    /// <summary>"main" for the root, else the module's deployment name (<c>storage</c>, <c>rbac</c>, ...).</summary>
    public string DeploymentName { get; }

    public JsonObject Json { get; }

    public ArmTemplate? Parent { get; }

    public static ArmTemplate Load(JsonObject root) => new("main", root, null);

    /// <summary>Resources as a list, whether the template keeps them in an array or (language version 2) an object.</summary>
    public IReadOnlyList<JsonObject> Resources => Json["resources"] switch
    {
        JsonArray array => array.OfType<JsonObject>().ToList(),
        JsonObject map => map.Select(p => p.Value).OfType<JsonObject>().ToList(),
        _ => [],
    };

    public JsonObject Variables => Json["variables"] as JsonObject ?? [];

    public JsonObject Parameters => Json["parameters"] as JsonObject ?? [];

    public JsonObject Outputs => Json["outputs"] as JsonObject ?? [];

    /// <summary>This template and every nested one, depth first.</summary>
    public IEnumerable<ArmTemplate> All()
    {
        yield return this;
        foreach (var deployment in Resources.Where(r => TypeOf(r) == "Microsoft.Resources/deployments"))
        {
            if (deployment["properties"]?["template"] is JsonObject nested)
            {
                var child = new ArmTemplate(deployment["name"]?.ToString() ?? "?", nested, this);
                foreach (var descendant in child.All())
                {
                    yield return descendant;
                }
            }
        }
    }

    public IEnumerable<(ArmTemplate Template, JsonObject Resource)> AllResources() =>
        All().SelectMany(t => t.Resources.Select(r => (t, r)));

    public IEnumerable<(ArmTemplate Template, JsonObject Resource)> AllResourcesOfType(string type) =>
        AllResources().Where(x => string.Equals(TypeOf(x.Resource), type, StringComparison.OrdinalIgnoreCase));

    public ArmTemplate Module(string deploymentName) =>
        All().SingleOrDefault(t => t.DeploymentName == deploymentName)
        ?? throw new InvalidOperationException($"No module deployment named '{deploymentName}' in the template.");

    /// <summary>The module deployment resource in this template (its parameters are the module's inputs).</summary>
    public JsonObject ModuleDeployment(string deploymentName) =>
        Resources.SingleOrDefault(r => TypeOf(r) == "Microsoft.Resources/deployments" && r["name"]?.ToString() == deploymentName)
        ?? throw new InvalidOperationException($"No module deployment named '{deploymentName}' in {DeploymentName}.");

    /// <summary>JSON text without escaping quotes (the default encoder writes ' as \u0027, hiding expressions from a search).</summary>
    public static string Text(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue value when value.TryGetValue(out string? text) => text,
        _ => node.ToJsonString(RelaxedJson),
    };

    private static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string TypeOf(JsonObject resource) => resource["type"]?.ToString() ?? string.Empty;

    /// <summary>
    /// Resolves the small expressions the templates use for fixed values: a literal, <c>[variables('x')]</c>,
    /// <c>[variables('x').y]</c> and <c>[parameters('p')]</c> (to the module input given by the parent), or null.
    /// </summary>
    public JsonNode? Resolve(JsonNode? value)
    {
        if (value is not JsonValue jsonValue || !jsonValue.TryGetValue(out string? text) || !text.StartsWith('[') || text.StartsWith("[[", StringComparison.Ordinal))
        {
            return value;
        }

        var variable = VariablePattern().Match(text);
        if (variable.Success)
        {
            var node = Variables[variable.Groups["name"].Value];
            if (variable.Groups["member"].Success)
            {
                node = node?[variable.Groups["member"].Value];
            }

            return Resolve(node);
        }

        var parameter = ParameterPattern().Match(text);
        if (parameter.Success)
        {
            if (Parent is null)
            {
                return Resolve(Parameters[parameter.Groups["name"].Value]?["defaultValue"]);
            }

            // The module's input when the parent gives one, else the parameter's default.
            var name = parameter.Groups["name"].Value;
            var inputs = Parent.ModuleDeployment(DeploymentName)["properties"]?["parameters"] as JsonObject;
            return inputs is not null && inputs.TryGetPropertyValue(name, out var input)
                ? Parent.Resolve(input?["value"])
                : Resolve(Parameters[name]?["defaultValue"]);
        }

        return null;
    }

    [GeneratedRegex(@"^\[variables\('(?<name>\w+)'\)(\.(?<member>\w+))?\]$")]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"^\[parameters\('(?<name>\w+)'\)\]$")]
    private static partial Regex ParameterPattern();
}
