namespace ImapAutomation.Core.Evtx;

/// <summary>A node of an event as read from binary XML, with every template substitution already applied.</summary>
public abstract class EvtxNode
{
    private protected EvtxNode()
    {
    }
}

/// <summary>An element with its attributes (in document order) and its content.</summary>
public sealed class EvtxElement : EvtxNode
{
    internal EvtxElement(string name, IReadOnlyList<EvtxAttr> attributes, IReadOnlyList<EvtxNode> children)
    {
        Name = name;
        Attributes = attributes;
        Children = children;
    }

    public string Name { get; }

    public IReadOnlyList<EvtxAttr> Attributes { get; }

    public IReadOnlyList<EvtxNode> Children { get; }

    public string? Attribute(string name)
    {
        foreach (var attribute in Attributes)
        {
            if (string.Equals(attribute.Name, name, StringComparison.Ordinal))
            {
                return attribute.Value;
            }
        }

        return null;
    }

    public EvtxElement? Element(string name)
    {
        foreach (var child in Children)
        {
            if (child is EvtxElement element && string.Equals(element.Name, name, StringComparison.Ordinal))
            {
                return element;
            }
        }

        return null;
    }

    public IEnumerable<EvtxElement> Elements() => Children.OfType<EvtxElement>();

    /// <summary>The concatenated text content of this element (not of its descendants).</summary>
    public string Text
    {
        get
        {
            string? single = null;
            System.Text.StringBuilder? builder = null;
            foreach (var child in Children)
            {
                if (child is not EvtxText text)
                {
                    continue;
                }

                if (single is null)
                {
                    single = text.Value;
                }
                else
                {
                    builder ??= new System.Text.StringBuilder(single);
                    builder.Append(text.Value);
                }
            }

            return builder?.ToString() ?? single ?? string.Empty;
        }
    }

    /// <summary>The value type of the substitution that produced this element's text, or Null for literal text.</summary>
    public EvtxValueType TextType
    {
        get
        {
            var type = EvtxValueType.Null;
            foreach (var child in Children)
            {
                if (child is EvtxText { Type: not EvtxValueType.Null } text)
                {
                    type = text.Type;
                }
            }

            return type;
        }
    }
}

/// <summary>An attribute; <see cref="Type"/> is the substitution's value type, or Null for literal text.</summary>
public sealed record EvtxAttr(string Name, string Value, EvtxValueType Type);

/// <summary>Character data: literal text, a formatted substitution value, or a CDATA section.</summary>
public sealed class EvtxText : EvtxNode
{
    internal EvtxText(string value, EvtxValueType type, bool isCData)
    {
        Value = value;
        Type = type;
        IsCData = isCData;
    }

    public string Value { get; }

    public EvtxValueType Type { get; }

    public bool IsCData { get; }
}

/// <summary>A processing instruction (rare in event logs, but part of the binary XML grammar).</summary>
public sealed class EvtxProcessingInstruction : EvtxNode
{
    internal EvtxProcessingInstruction(string target, string data)
    {
        Target = target;
        Data = data;
    }

    public string Target { get; }

    public string Data { get; }
}
