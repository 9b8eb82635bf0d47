using System.Xml;

namespace ImapAutomation.Core.Signals.EventXml;

/// <summary>The only XmlReader settings the signal parsers use: no DTD, no resolver, bounded size.</summary>
internal static class SafeXml
{
    public static XmlReaderSettings Settings(long maxChars, ConformanceLevel conformance, XmlNameTable? nameTable = null) => new()
    {
        // Prohibit (not Ignore): a DOCTYPE is an error the operator sees, and nothing is ever fetched or expanded.
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = maxChars,
        MaxCharactersFromEntities = 1024,
        ConformanceLevel = conformance,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = false,
        NameTable = nameTable,
    };
}

/// <summary>Input that is well-formed XML but not a usable event (missing field, bad number, too deep).</summary>
internal sealed class EventFormatException(string message) : Exception(message);
