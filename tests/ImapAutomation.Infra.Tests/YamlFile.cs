using ImapAutomation.Testing;
using YamlDotNet.RepresentationModel;

namespace ImapAutomation.Infra.Tests;

/// <summary>Reads a YAML file of the repository (azure.yaml, the workflows) as a node tree.</summary>
internal static class YamlFile
{
    public static YamlMappingNode Load(params string[] pathInRepository)
    {
        using var reader = new StreamReader(RepoPaths.InRoot(pathInRepository));
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    public static YamlNode? Get(this YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static string? Scalar(this YamlNode node, string key) => (node.Get(key) as YamlScalarNode)?.Value;
}
