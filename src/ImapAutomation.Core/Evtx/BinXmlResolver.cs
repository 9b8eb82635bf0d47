using System.Text;

namespace ImapAutomation.Core.Evtx;

/// <summary>
/// Applies template substitutions to parsed binary XML and yields the event's element tree. The number of nodes a
/// record may expand to is capped: arrays and nested fragments make expansion data-driven, and a hostile record
/// must not turn 64 KiB into gigabytes.
/// </summary>
internal sealed class BinXmlResolver
{
    private readonly int _maxNodes;
    private byte[] _chunk = [];
    private int _budget;

    public BinXmlResolver(int maxNodes) => _maxNodes = maxNodes;

    public EvtxElement? Resolve(byte[] chunk, BxNode[] document, int recordOffset)
    {
        _chunk = chunk;
        _budget = _maxNodes;
        var output = new List<EvtxNode>(1);
        ResolveNodes(document, [], output, recordOffset);
        foreach (var node in output)
        {
            if (node is EvtxElement element)
            {
                return element;
            }
        }

        return null;
    }

    private void ResolveNodes(BxNode[] nodes, BxValue[] values, List<EvtxNode> output, int recordOffset)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case BxElement element:
                    ResolveElement(element, values, output, recordOffset);
                    break;
                case BxTemplateInstance instance:
                    ResolveNodes(instance.Template.Body, instance.Values, output, recordOffset);
                    break;
                case BxText text:
                    Add(output, new EvtxText(text.Text, EvtxValueType.Null, text.IsCData), recordOffset);
                    break;
                case BxProcessingInstruction pi:
                    Add(output, new EvtxProcessingInstruction(pi.Target, pi.Data), recordOffset);
                    break;
                case BxSubstitution substitution:
                    ResolveSubstitution(substitution, values, output, recordOffset);
                    break;
            }
        }
    }

    private void ResolveElement(BxElement element, BxValue[] values, List<EvtxNode> output, int recordOffset)
    {
        // libyal: an element whose content is an optional substitution without a value is not created at all
        // (e.g. EventData/Binary when the event has no binary data), and one whose content is an array substitution
        // is repeated once per array item.
        foreach (var child in element.Children)
        {
            if (child is BxSubstitution { Optional: true } optional
                && (!TryGetValue(values, optional.Index, out var candidate) || candidate.Type == EvtxValueType.Null))
            {
                return;
            }
        }

        foreach (var child in element.Children)
        {
            if (child is BxSubstitution substitution && TryGetValue(values, substitution.Index, out var value) && EvtxValueFormatter.IsArray(value.Type))
            {
                var items = EvtxValueFormatter.FormatArray(value.Type, _chunk.AsSpan(value.Offset, value.Size));
                if (items.Count == 0)
                {
                    items.Add(string.Empty);
                }

                foreach (var item in items)
                {
                    var attributes = ResolveAttributes(element, values);
                    var children = new List<EvtxNode>(1);
                    foreach (var inner in element.Children)
                    {
                        if (ReferenceEquals(inner, child))
                        {
                            Add(children, new EvtxText(item, value.Type & ~EvtxValueType.ArrayFlag, isCData: false), recordOffset);
                        }
                        else
                        {
                            ResolveNodes([inner], values, children, recordOffset);
                        }
                    }

                    Add(output, new EvtxElement(element.Name, attributes, children), recordOffset);
                }

                return;
            }
        }

        var resolvedAttributes = ResolveAttributes(element, values);
        var content = new List<EvtxNode>(element.Children.Length);
        ResolveNodes(element.Children, values, content, recordOffset);
        Add(output, new EvtxElement(element.Name, resolvedAttributes, content), recordOffset);
    }

    private EvtxAttr[] ResolveAttributes(BxElement element, BxValue[] values)
    {
        if (element.Attributes.Length == 0)
        {
            return [];
        }

        var list = new List<EvtxAttr>(element.Attributes.Length);
        foreach (var attribute in element.Attributes)
        {
            var omit = attribute.Value.Length > 0;
            var type = EvtxValueType.Null;
            var builder = new StringBuilder();
            foreach (var part in attribute.Value)
            {
                switch (part)
                {
                    case BxText text:
                        omit = false;
                        builder.Append(text.Text);
                        break;
                    case BxSubstitution substitution:
                        if (!TryGetValue(values, substitution.Index, out var value) || value.Type == EvtxValueType.Null)
                        {
                            // An optional substitution with no value drops the attribute (e.g. Security/@UserID).
                            omit &= substitution.Optional;
                            break;
                        }

                        omit = false;
                        type = value.Type;
                        builder.Append(FormatScalar(value));
                        break;
                }
            }

            if (!omit)
            {
                list.Add(new EvtxAttr(attribute.Name, builder.ToString(), type));
            }
        }

        return [.. list];
    }

    private void ResolveSubstitution(BxSubstitution substitution, BxValue[] values, List<EvtxNode> output, int recordOffset)
    {
        if (!TryGetValue(values, substitution.Index, out var value) || value.Type == EvtxValueType.Null)
        {
            return;
        }

        if (value.Type == EvtxValueType.BinXml)
        {
            if (value.Nested is not null)
            {
                ResolveNodes(value.Nested, [], output, recordOffset);
            }

            return;
        }

        Add(output, new EvtxText(FormatScalar(value), value.Type, isCData: false), recordOffset);
    }

    private string FormatScalar(BxValue value)
    {
        var data = _chunk.AsSpan(value.Offset, value.Size);
        if ((value.Type & EvtxValueType.ArrayFlag) != 0)
        {
            // An array outside element content (an attribute, or mixed content): items joined as Windows lists them.
            return string.Join(", ", EvtxValueFormatter.FormatArray(value.Type, data));
        }

        return EvtxValueFormatter.Format(value.Type, data);
    }

    private static bool TryGetValue(BxValue[] values, int index, out BxValue value)
    {
        if ((uint)index < (uint)values.Length)
        {
            value = values[index];
            return true;
        }

        value = default;
        return false;
    }

    private void Add(List<EvtxNode> output, EvtxNode node, int recordOffset)
    {
        if (--_budget < 0)
        {
            throw new EvtxFormatException(recordOffset, $"record expands to more than {_maxNodes} XML nodes");
        }

        output.Add(node);
    }
}
