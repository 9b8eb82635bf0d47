using System.Diagnostics;
using System.Xml;
using System.Xml.Linq;

namespace ImapAutomation.Core.Tests.Evtx;

/// <summary>One event as libevtx's <c>evtxexport -f xml</c> prints it, reduced to the fields the conformance test compares.</summary>
internal sealed record PeerEvent(
    string RecordId,
    string? SystemTime,
    string? Provider,
    string? EventId,
    string? Qualifiers,
    string? Level,
    string? Channel,
    string? Computer,
    IReadOnlyList<(string Key, string Value)> Data);

/// <summary>Runs the independent C reader (Debian libevtx-utils) and parses what it prints.</summary>
internal static class LibEvtxExport
{
    public const string Executable = "/usr/bin/evtxexport";
    private static readonly XNamespace Ns = "http://schemas.microsoft.com/win/2004/08/events/event";

    public static bool IsInstalled => File.Exists(Executable);

    public static async Task<(IReadOnlyList<PeerEvent> Events, int ExitCode)> ExportAsync(string path, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-f");
        info.ArgumentList.Add("xml");
        info.ArgumentList.Add(path);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("evtxexport did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (Parse(await stdout), process.ExitCode);
    }

    public static IReadOnlyList<PeerEvent> Parse(string output)
    {
        // The first line is the tool's banner; then one <Event> document after another.
        var start = output.IndexOf("<Event", StringComparison.Ordinal);
        var events = new List<PeerEvent>();
        if (start < 0)
        {
            return events;
        }

        var settings = new XmlReaderSettings { ConformanceLevel = ConformanceLevel.Fragment, CheckCharacters = false, DtdProcessing = DtdProcessing.Prohibit };
        using var reader = XmlReader.Create(new StringReader(EscapeControls(output[start..])), settings);
        reader.MoveToContent();
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Event")
            {
                events.Add(ToPeer((XElement)XNode.ReadFrom(reader)));
            }
            else
            {
                reader.Read();
            }
        }

        return events;
    }

    /// <summary>
    /// evtxexport writes control characters (and carriage returns) raw; as character references they survive XML
    /// parsing unchanged (CheckCharacters off), so values compare exactly.
    /// </summary>
    private static string EscapeControls(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c < 0x20 && c is not ('\n' or '\t'))
            {
                builder.Append("&#").Append((int)c).Append(';');
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static PeerEvent ToPeer(XElement ev)
    {
        var system = ev.Element(Ns + "System");
        var data = new List<(string, string)>();
        var eventData = ev.Element(Ns + "EventData");
        if (eventData is not null)
        {
            foreach (var child in eventData.Elements())
            {
                var name = (string?)child.Attribute("Name");
                data.Add(($"{child.Name.LocalName}:{name}", child.Value));
            }
        }

        var userData = ev.Element(Ns + "UserData");
        if (userData is not null)
        {
            foreach (var child in userData.Elements())
            {
                Flatten(child, child.Name.LocalName, data);
            }
        }

        return new PeerEvent(
            system?.Element(Ns + "EventRecordID")?.Value ?? string.Empty,
            (string?)system?.Element(Ns + "TimeCreated")?.Attribute("SystemTime"),
            (string?)system?.Element(Ns + "Provider")?.Attribute("Name"),
            system?.Element(Ns + "EventID")?.Value,
            (string?)system?.Element(Ns + "EventID")?.Attribute("Qualifiers"),
            system?.Element(Ns + "Level")?.Value,
            system?.Element(Ns + "Channel")?.Value,
            system?.Element(Ns + "Computer")?.Value,
            data);
    }

    private static void Flatten(XElement element, string path, List<(string, string)> items)
    {
        foreach (var attribute in element.Attributes())
        {
            if (!attribute.IsNamespaceDeclaration)
            {
                items.Add(($"{path}@{attribute.Name.LocalName}", attribute.Value));
            }
        }

        var hasChildren = false;
        foreach (var child in element.Elements())
        {
            hasChildren = true;
            Flatten(child, $"{path}/{child.Name.LocalName}", items);
        }

        if (!hasChildren && path.Contains('/', StringComparison.Ordinal))
        {
            items.Add((path, element.Value));
        }
    }
}
