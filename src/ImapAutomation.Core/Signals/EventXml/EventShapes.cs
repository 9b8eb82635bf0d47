using System.Runtime.CompilerServices;

namespace ImapAutomation.Core.Signals.EventXml;

/// <summary>What the fast path does with one value of an event.</summary>
internal enum HoleRole : byte
{
    None,
    Provider,
    EventId,
    Qualifiers,
    Level,
    Time,
    RecordId,
    Channel,
    Computer,
    DataName,
    DataValue,
    NamedDataValue,
}

/// <summary>Where a value sits: an attribute value, a leaf's text, an empty leaf, or the end of the event.</summary>
internal enum HoleKind : byte
{
    Attribute,
    Text,
    Empty,
    End,
}

/// <summary>A value found in a frame: its bytes, what it is for, and whether it holds references to decode.</summary>
internal readonly record struct Hole(Range At, HoleKind Kind, HoleRole Role, bool HasEntities);

/// <summary>
/// The shapes of the events the full fast path accepted: each shape is its markup (everything but values, byte for
/// byte) with holes where the values were, stored as a trie so shapes share their common start. A new frame is read
/// by comparing its markup with a known shape and checking only the values, with the same rules the full fast path
/// applies, so it is accepted with the same result; a frame of an unknown shape goes to the full fast path, which
/// adds its shape when it accepts it.
/// </summary>
/// <remarks>
/// Storms repeat a handful of shapes, so nearly every event is read this way. The trie is bounded: hostile input with
/// endless distinct shapes stops adding them and only costs the full fast path.
/// </remarks>
internal sealed class EventShapes
{
    public const int MaxHoles = 64;
    public const int MaxNodes = 2048;
    private const int MaxLiteralBytes = 256 * 1024;
    private readonly Node _root = new([], HoleKind.End, 0, HoleRole.None, []);
    private int _nodes;
    private int _literalBytes;

    /// <summary>
    /// Reads the event of a known shape that <paramref name="input"/> starts with into its holes (those with a role),
    /// and its length through <c>&lt;/Event&gt;</c>; -1 when no known shape fits. The input may run on past the event.
    /// </summary>
    /// <remarks>
    /// Every value not seen before is checked here for what the full fast path checks the whole frame for (controls,
    /// <c>!</c>, <c>?</c>, invalid or unusual UTF-8); the markup passed those checks when its shape was learnt. A shape's
    /// markup holds <c>&lt;/Event&gt;</c> only at its end (a frame ends at the first one) and no value holds a
    /// <c>&lt;</c>, so the event found here is the one framing would cut.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Match(ReadOnlySpan<byte> input, Span<Hole> holes, out int length)
    {
        length = 0;
        var node = _root;
        var pos = 0;
        var count = 0;
        while (true)
        {
            var rest = input[pos..];
            Node? next = null;
            foreach (var child in node.Children)
            {
                if (rest.StartsWith(child.Literal))
                {
                    next = child;
                    break;
                }
            }

            if (next is null)
            {
                return -1;
            }

            pos += next.Literal.Length;
            node = next;
            if (next.Kind == HoleKind.End)
            {
                length = pos;
                return count;
            }

            var valueLength = 0;
            var entities = false;
            if (next.Kind != HoleKind.Empty)
            {
                rest = input[pos..];
                var sample = next.Sample;

                // The value seen when the shape was learnt passed the checks then; the same bytes need no new check.
                if (rest.Length > sample.Length && rest[sample.Length] == next.Terminator && rest.StartsWith(sample))
                {
                    valueLength = sample.Length;
                    entities = next.SampleHasEntities;
                }
                else
                {
                    // Stopping at '<' keeps a search within the event even when the input runs on.
                    valueLength = rest.IndexOfAny(next.Terminator, (byte)'<');
                    if (valueLength < 0 || rest[valueLength] != next.Terminator || !IsValue(rest[..valueLength], next.Kind, out entities))
                    {
                        return -1;
                    }
                }
            }

            if (next.Role != HoleRole.None)
            {
                if (count == holes.Length)
                {
                    return -1;
                }

                holes[count++] = new Hole(pos..(pos + valueLength), next.Kind, next.Role, entities);
            }

            pos += valueLength;
        }
    }

    /// <summary>Learns the shape of a frame the full fast path accepted, given its holes in document order.</summary>
    public void Learn(ReadOnlySpan<byte> frame, ReadOnlySpan<Hole> holes)
    {
        var node = _root;
        var previousEnd = 0;
        foreach (var hole in holes)
        {
            if (hole.Kind == HoleKind.Empty && hole.Role == HoleRole.None)
            {
                continue; // nothing to read there: it stays part of the markup
            }

            var (start, end) = (hole.At.Start.Value, hole.At.End.Value);
            var terminator = hole.Kind switch
            {
                HoleKind.Attribute => frame[end],
                HoleKind.Text => (byte)'<',
                _ => (byte)0,
            };
            node = Step(node, frame[previousEnd..start], hole.Kind, terminator, hole.Role, frame[start..end], hole.HasEntities);
            if (node is null)
            {
                return;
            }

            previousEnd = end;
        }

        Step(node, frame[previousEnd..], HoleKind.End, 0, HoleRole.None, [], false);
    }

    /// <summary>The shapes known (complete or not), for tests and the benchmark's explanation.</summary>
    internal int NodeCount => _nodes;

    private static bool IsValue(ReadOnlySpan<byte> value, HoleKind kind, out bool entities)
    {
        entities = false;
        return Utf8FastEventParser.IsUsual(value) &&
            (kind == HoleKind.Attribute ? !value.ContainsAny(Utf8FastEventParser.AttributeUnusual) : Utf8FastEventParser.IsPlainText(value, out entities));
    }

    private Node? Step(Node node, ReadOnlySpan<byte> literal, HoleKind kind, byte terminator, HoleRole role, ReadOnlySpan<byte> sample, bool sampleHasEntities)
    {
        foreach (var child in node.Children)
        {
            if (child.Kind == kind && child.Terminator == terminator && literal.SequenceEqual(child.Literal))
            {
                // The same markup read for another purpose (a later duplicate element took the role): keep the first.
                return child.Role == role ? child : null;
            }
        }

        if (_nodes == MaxNodes || _literalBytes + literal.Length + sample.Length > MaxLiteralBytes)
        {
            return null;
        }

        var added = new Node(literal.ToArray(), kind, terminator, role, sample.ToArray()) { SampleHasEntities = sampleHasEntities };
        node.Children = [.. node.Children, added];
        _nodes++;
        _literalBytes += literal.Length + sample.Length;
        return added;
    }

    private sealed class Node(byte[] literal, HoleKind kind, byte terminator, HoleRole role, byte[] sample)
    {
        public byte[] Literal { get; } = literal;

        public HoleKind Kind { get; } = kind;

        public byte Terminator { get; } = terminator;

        public HoleRole Role { get; } = role;

        public byte[] Sample { get; } = sample;

        public bool SampleHasEntities { get; init; }

        public Node[] Children { get; set; } = [];
    }
}
