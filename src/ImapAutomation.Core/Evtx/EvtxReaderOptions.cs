using System.ComponentModel.DataAnnotations;

namespace ImapAutomation.Core.Evtx;

/// <summary>Limits that keep hostile files from costing more than a bounded amount of time and memory.</summary>
public sealed class EvtxReaderOptions
{
    /// <summary>Deepest nesting of elements, template instances and binary XML values followed.</summary>
    [Range(4, 1024)]
    public int MaxNestingDepth { get; set; } = 64;

    /// <summary>Most XML nodes one record may expand to (array substitutions repeat their element).</summary>
    [Range(16, 10_000_000)]
    public int MaxNodesPerRecord { get; set; } = 100_000;

    /// <summary>Most problems kept in <see cref="EvtxReader.Problems"/>; later ones are counted only.</summary>
    [Range(1, 1_000_000)]
    public int MaxProblems { get; set; } = 1_000;
}
