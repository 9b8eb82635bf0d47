namespace ImapAutomation.Core.Evtx;

// The parsed (not yet substituted) binary XML. Template definitions are kept in this form and cached per chunk,
// so a template shared by hundreds of records is decoded once.
internal abstract class BxNode;

internal sealed class BxElement(string name, BxAttribute[] attributes, BxNode[] children) : BxNode
{
    public string Name { get; } = name;

    public BxAttribute[] Attributes { get; } = attributes;

    public BxNode[] Children { get; } = children;
}

internal sealed class BxAttribute(string name, BxNode[] value)
{
    public string Name { get; } = name;

    public BxNode[] Value { get; } = value;
}

internal sealed class BxText(string text, bool isCData) : BxNode
{
    public string Text { get; } = text;

    public bool IsCData { get; } = isCData;
}

internal sealed class BxProcessingInstruction(string target, string data) : BxNode
{
    public string Target { get; } = target;

    public string Data { get; } = data;
}

internal sealed class BxSubstitution(int index, EvtxValueType type, bool optional) : BxNode
{
    public int Index { get; } = index;

    public EvtxValueType Type { get; } = type;

    public bool Optional { get; } = optional;
}

internal sealed class BxTemplateInstance(BxTemplate template, BxValue[] values) : BxNode
{
    public BxTemplate Template { get; } = template;

    public BxValue[] Values { get; } = values;
}

internal sealed class BxTemplate(int offset, Guid identifier, BxNode[] body)
{
    public int Offset { get; } = offset;

    public Guid Identifier { get; } = identifier;

    public BxNode[] Body { get; } = body;
}

/// <summary>One substitution value: where its bytes are in the chunk, and the parsed fragment for binary XML values.</summary>
internal readonly record struct BxValue(EvtxValueType Type, int Offset, int Size, BxNode[]? Nested);

/// <summary>A structural error at a chunk-relative offset; caught per record so one bad record never stops a file.</summary>
internal sealed class EvtxFormatException(int chunkOffset, string message) : Exception(message)
{
    public int ChunkOffset { get; } = chunkOffset;
}
