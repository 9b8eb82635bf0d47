using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ImapAutomation.Core.Evtx;

/// <summary>
/// Decodes the binary XML tokens of one chunk. All offsets are relative to the chunk start, as the format defines
/// them; every read is bounds-checked against the range being parsed, and nesting is limited, so hostile input ends
/// in an <see cref="EvtxFormatException"/> rather than a crash, a hang or a stack overflow.
/// </summary>
internal sealed class BinXmlParser
{
    private const byte TokenEof = 0x00;
    private const byte TokenOpenStart = 0x01;
    private const byte TokenCloseStart = 0x02;
    private const byte TokenCloseEmpty = 0x03;
    private const byte TokenEndElement = 0x04;
    private const byte TokenValue = 0x05;
    private const byte TokenAttribute = 0x06;
    private const byte TokenCData = 0x07;
    private const byte TokenCharRef = 0x08;
    private const byte TokenEntityRef = 0x09;
    private const byte TokenPITarget = 0x0a;
    private const byte TokenPIData = 0x0b;
    private const byte TokenTemplateInstance = 0x0c;
    private const byte TokenNormalSubstitution = 0x0d;
    private const byte TokenOptionalSubstitution = 0x0e;
    private const byte TokenFragmentHeader = 0x0f;
    private const byte MoreFlag = 0x40;

    private readonly Dictionary<int, string> _names = [];
    private readonly Dictionary<int, BxTemplate> _templates = [];
    private readonly HashSet<int> _compiling = [];
    private readonly int _maxDepth;
    private byte[] _chunk = [];
    private int _length;

    public BinXmlParser(int maxDepth) => _maxDepth = maxDepth;

    /// <summary>Starts a new chunk: names and templates are chunk-scoped, so the caches are dropped.</summary>
    public void Reset(byte[] chunk, int length)
    {
        _chunk = chunk;
        _length = length;
        _names.Clear();
        _templates.Clear();
        _compiling.Clear();
    }

    public int TemplateCount => _templates.Count;

    /// <summary>
    /// Parses a fragment: header, then an element or (outside template definitions) a template instance, then EOF.
    /// Used for records, binary XML values and template definition bodies.
    /// </summary>
    public BxNode[] ParseDocument(int start, int end, int depth, bool inTemplate = false)
    {
        CheckDepth(depth, start);
        var pos = start;
        var nodes = new List<BxNode>(1);
        while (pos < end)
        {
            var token = _chunk[pos];
            switch (token & ~MoreFlag)
            {
                case TokenEof:
                    return [.. nodes];
                case TokenFragmentHeader:
                    Need(pos, 4, end);
                    pos += 4;
                    break;
                case TokenTemplateInstance when inTemplate:
                    // MS-EVEN6 allows a template instance only at the top of a fragment; refusing it inside a
                    // definition also makes template loops (a definition instantiating itself) impossible to follow.
                    throw new EvtxFormatException(pos, "template instance inside a template definition");
                case TokenTemplateInstance:
                    nodes.Add(ParseTemplateInstance(ref pos, end, depth + 1));
                    break;
                case TokenOpenStart:
                    nodes.Add(ParseElement(ref pos, end, depth + 1, inTemplate));
                    break;
                case TokenPITarget:
                    nodes.Add(ParsePI(ref pos, end));
                    break;
                default:
                    throw new EvtxFormatException(pos, $"unexpected binary XML token 0x{token:x2} at fragment level");
            }
        }

        // A value or record that ends without an EOF token is accepted: its extent is already known.
        return [.. nodes];
    }

    private BxTemplateInstance ParseTemplateInstance(ref int pos, int end, int depth)
    {
        CheckDepth(depth, pos);
        Need(pos, 10, end);
        var definitionOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(_chunk.AsSpan(pos + 6));
        pos += 10;
        BxTemplate template;
        if (definitionOffset == pos)
        {
            // The definition follows inline (its first use in the chunk); skip over it.
            template = GetTemplate(definitionOffset, depth, pos - 4);
            var dataSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(_chunk.AsSpan(pos + 20));
            pos += 24 + dataSize;
            if (pos > end)
            {
                throw new EvtxFormatException(definitionOffset, "inline template definition runs past the end of its record");
            }
        }
        else
        {
            template = GetTemplate(definitionOffset, depth, pos - 4);
        }

        Need(pos, 4, end);
        var count = BinaryPrimitives.ReadUInt32LittleEndian(_chunk.AsSpan(pos));
        pos += 4;
        if (count > (uint)(end - pos) / 4)
        {
            throw new EvtxFormatException(pos - 4, $"template instance declares {count} values, more than its record can hold");
        }

        var values = new BxValue[count];
        var descriptors = pos;
        pos += (int)count * 4;
        for (var i = 0; i < values.Length; i++)
        {
            var size = BinaryPrimitives.ReadUInt16LittleEndian(_chunk.AsSpan(descriptors + (i * 4)));
            var type = (EvtxValueType)_chunk[descriptors + (i * 4) + 2];
            if (size > end - pos)
            {
                throw new EvtxFormatException(pos, $"substitution value {i} of {size} bytes runs past the end of its record");
            }

            BxNode[]? nested = null;
            if (type == EvtxValueType.BinXml && size > 0)
            {
                nested = ParseDocument(pos, pos + size, depth + 1);
            }

            values[i] = new BxValue(type, pos, size, nested);
            pos += size;
        }

        return new BxTemplateInstance(template, values);
    }

    private BxTemplate GetTemplate(int offset, int depth, int reference)
    {
        if (_templates.TryGetValue(offset, out var cached))
        {
            return cached;
        }

        if (offset < 0 || offset > _length - 24)
        {
            throw new EvtxFormatException(reference, $"template definition offset 0x{offset:x} is outside the chunk");
        }

        if (!_compiling.Add(offset))
        {
            throw new EvtxFormatException(reference, $"template definition at 0x{offset:x} refers to itself");
        }

        try
        {
            var identifier = new Guid(_chunk.AsSpan(offset + 4, 16));
            var dataSize = BinaryPrimitives.ReadUInt32LittleEndian(_chunk.AsSpan(offset + 20));
            var bodyStart = offset + 24;
            if (dataSize > (uint)(_length - bodyStart))
            {
                throw new EvtxFormatException(offset, $"template definition at 0x{offset:x} declares {dataSize} bytes, past the end of the chunk");
            }

            var body = ParseDocument(bodyStart, bodyStart + (int)dataSize, depth + 1, inTemplate: true);
            var template = new BxTemplate(offset, identifier, body);
            _templates[offset] = template;
            return template;
        }
        finally
        {
            _compiling.Remove(offset);
        }
    }

    private BxElement ParseElement(ref int pos, int end, int depth, bool inTemplate)
    {
        CheckDepth(depth, pos);
        var start = pos;
        var hasAttributes = (_chunk[pos] & MoreFlag) != 0;

        // Token, dependency identifier (only in template definitions; absent in elements written directly into a
        // record or a binary XML value, as in CAPI2's UserData) and data size.
        var header = inTemplate ? 7 : 5;
        Need(pos, header + 4, end);
        pos += header;
        var name = ReadName(ref pos, end);
        var attributes = Array.Empty<BxAttribute>();
        if (hasAttributes)
        {
            Need(pos, 4, end);
            pos += 4;
            var list = new List<BxAttribute>(2);
            while (pos < end && (_chunk[pos] & ~MoreFlag) == TokenAttribute)
            {
                pos++;
                var attributeName = ReadName(ref pos, end);
                var value = ParseValueParts(ref pos, end);
                list.Add(new BxAttribute(attributeName, value));
            }

            attributes = [.. list];
        }

        Need(pos, 1, end);
        var close = _chunk[pos++];
        if (close == TokenCloseEmpty)
        {
            return new BxElement(name, attributes, []);
        }

        if (close != TokenCloseStart)
        {
            throw new EvtxFormatException(pos - 1, $"element '{name}' at 0x{start:x}: expected a close start tag, found 0x{close:x2}");
        }

        var children = new List<BxNode>(1);
        while (true)
        {
            Need(pos, 1, end);
            var token = _chunk[pos];
            switch (token & ~MoreFlag)
            {
                case TokenEndElement:
                    pos++;
                    return new BxElement(name, attributes, [.. children]);
                case TokenOpenStart:
                    children.Add(ParseElement(ref pos, end, depth + 1, inTemplate));
                    break;
                case TokenValue:
                case TokenCharRef:
                case TokenEntityRef:
                case TokenNormalSubstitution:
                case TokenOptionalSubstitution:
                case TokenCData:
                    children.Add(ParseValuePart(ref pos, end));
                    break;
                case TokenPITarget:
                    children.Add(ParsePI(ref pos, end));
                    break;
                case TokenTemplateInstance when !inTemplate:
                    children.Add(ParseTemplateInstance(ref pos, end, depth + 1));
                    break;
                default:
                    throw new EvtxFormatException(pos, $"unexpected binary XML token 0x{token:x2} in element '{name}'");
            }
        }
    }

    private BxNode[] ParseValueParts(ref int pos, int end)
    {
        BxNode? first = null;
        List<BxNode>? more = null;
        while (pos < end)
        {
            var token = _chunk[pos] & ~MoreFlag;
            if (token is not (TokenValue or TokenCharRef or TokenEntityRef or TokenNormalSubstitution or TokenOptionalSubstitution))
            {
                break;
            }

            var part = ParseValuePart(ref pos, end);
            if (first is null)
            {
                first = part;
            }
            else
            {
                (more ??= [first]).Add(part);
            }
        }

        return more is not null ? [.. more] : first is null ? [] : [first];
    }

    private BxNode ParseValuePart(ref int pos, int end)
    {
        var token = _chunk[pos];
        switch (token & ~MoreFlag)
        {
            case TokenValue:
            {
                Need(pos, 4, end);
                var type = (EvtxValueType)_chunk[pos + 1];
                if (type != EvtxValueType.String)
                {
                    throw new EvtxFormatException(pos, $"value token of type 0x{(byte)type:x2}; only strings are defined here");
                }

                pos += 2;
                return new BxText(ReadPrefixedString(ref pos, end), isCData: false);
            }

            case TokenCData:
                pos++;
                return new BxText(ReadPrefixedString(ref pos, end), isCData: true);
            case TokenCharRef:
            {
                Need(pos, 3, end);
                var value = BinaryPrimitives.ReadUInt16LittleEndian(_chunk.AsSpan(pos + 1));
                pos += 3;
                return new BxText(((char)value).ToString(), isCData: false);
            }

            case TokenEntityRef:
            {
                Need(pos, 5, end);
                pos++;
                var name = ReadName(ref pos, end);
                return new BxText(ResolveEntity(name), isCData: false);
            }

            default:
            {
                Need(pos, 4, end);
                var index = BinaryPrimitives.ReadUInt16LittleEndian(_chunk.AsSpan(pos + 1));
                var type = (EvtxValueType)_chunk[pos + 3];
                pos += 4;
                return new BxSubstitution(index, type, (token & ~MoreFlag) == TokenOptionalSubstitution);
            }
        }
    }

    private static string ResolveEntity(string name) => name switch
    {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "quot" => "\"",
        "apos" => "'",
        _ => $"&{name};",
    };

    private BxProcessingInstruction ParsePI(ref int pos, int end)
    {
        Need(pos, 5, end);
        pos++;
        var target = ReadName(ref pos, end);
        Need(pos, 1, end);
        if (_chunk[pos] != TokenPIData)
        {
            return new BxProcessingInstruction(target, string.Empty);
        }

        pos++;
        return new BxProcessingInstruction(target, ReadPrefixedString(ref pos, end));
    }

    /// <summary>Reads a name reference: a chunk offset, with the name itself inline when it is first used.</summary>
    private string ReadName(ref int pos, int end)
    {
        Need(pos, 4, end);
        var offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(_chunk.AsSpan(pos));
        var reference = pos;
        pos += 4;
        var name = GetName(offset, reference);
        if (offset == pos)
        {
            // 4 bytes next-name offset, 2 hash, 2 count, the characters and their terminating NUL.
            pos += 8 + ((name.Length + 1) * 2);
            if (pos > end)
            {
                throw new EvtxFormatException(offset, "inline name runs past the end of its data");
            }
        }

        return name;
    }

    private string GetName(int offset, int reference)
    {
        if (_names.TryGetValue(offset, out var name))
        {
            return name;
        }

        if (offset < 0 || offset > _length - 8)
        {
            throw new EvtxFormatException(reference, $"name offset 0x{offset:x} is outside the chunk");
        }

        var count = BinaryPrimitives.ReadUInt16LittleEndian(_chunk.AsSpan(offset + 6));
        if (offset + 8 + (count * 2) > _length)
        {
            throw new EvtxFormatException(reference, $"name at 0x{offset:x} of {count} characters runs past the end of the chunk");
        }

        name = new string(MemoryMarshal.Cast<byte, char>(_chunk.AsSpan(offset + 8, count * 2)));
        _names[offset] = name;
        return name;
    }

    private string ReadPrefixedString(ref int pos, int end)
    {
        Need(pos, 2, end);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(_chunk.AsSpan(pos));
        pos += 2;
        Need(pos, count * 2, end);
        var text = new string(MemoryMarshal.Cast<byte, char>(_chunk.AsSpan(pos, count * 2)));
        pos += count * 2;
        return text;
    }

    private void CheckDepth(int depth, int pos)
    {
        if (depth > _maxDepth)
        {
            throw new EvtxFormatException(pos, $"binary XML nested deeper than {_maxDepth} levels");
        }
    }

    private static void Need(int pos, int count, int end)
    {
        if (count < 0 || pos > end - count)
        {
            throw new EvtxFormatException(pos, $"{count} bytes needed at 0x{pos:x}, but the data ends at 0x{end:x}");
        }
    }
}
