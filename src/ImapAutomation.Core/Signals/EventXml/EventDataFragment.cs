using System.Xml;

namespace ImapAutomation.Core.Signals.EventXml;

/// <summary>
/// Reads the XML fragments Log Analytics stores in the Event table: <c>EventData</c> (bare or inside
/// <c>&lt;DataItem&gt;</c>) and <c>ParameterXml</c> (<c>&lt;Param&gt;</c> elements), with the same hostile-input limits.
/// </summary>
internal static class EventDataFragment
{
    public static void Read(string xml, SignalReaderOptions options, Dictionary<string, string> named, List<string> positional)
    {
        if (string.IsNullOrWhiteSpace(xml))
        {
            return;
        }

        using var text = new StringReader(xml);
        using var reader = XmlReader.Create(text, SafeXml.Settings(options.MaxEventChars, ConformanceLevel.Fragment));
        string? leaf = null;
        reader.Read();
        while (!reader.EOF)
        {
            if (reader.Depth > options.MaxDepth)
            {
                throw new EventFormatException($"elements nested deeper than {options.MaxDepth} levels");
            }

            if (reader.NodeType == XmlNodeType.Element)
            {
                switch (reader.LocalName)
                {
                    case "Data":
                        var name = reader.GetAttribute("Name");
                        var value = reader.ReadElementContentAsString();
                        if (string.IsNullOrEmpty(name))
                        {
                            positional.Add(value);
                        }
                        else
                        {
                            named.TryAdd(name, value);
                        }

                        continue;
                    case "Param":
                        positional.Add(reader.ReadElementContentAsString());
                        continue;
                    default:
                        leaf = reader.LocalName;
                        break;
                }
            }
            else if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA && leaf is not null)
            {
                named.TryAdd(leaf, reader.Value);
            }

            reader.Read();
        }
    }
}
