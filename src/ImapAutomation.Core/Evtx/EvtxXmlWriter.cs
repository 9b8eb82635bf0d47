using System.Text;

namespace ImapAutomation.Core.Evtx;

/// <summary>
/// Renders an event tree as indented Windows Event XML. Characters XML 1.0 cannot carry (control characters, lone
/// surrogates) become U+FFFD so the text always parses; the record's properties keep the original values.
/// </summary>
internal static class EvtxXmlWriter
{
    public static string Write(EvtxElement root)
    {
        var builder = new StringBuilder(2048);
        WriteElement(builder, root, 0);
        return builder.ToString();
    }

    private static void WriteElement(StringBuilder builder, EvtxElement element, int depth)
    {
        builder.Append(' ', depth * 2).Append('<').Append(element.Name);
        foreach (var attribute in element.Attributes)
        {
            builder.Append(' ').Append(attribute.Name).Append("=\"");
            Escape(builder, attribute.Value, attribute: true);
            builder.Append('"');
        }

        if (element.Children.Count == 0)
        {
            builder.Append("/>\n");
            return;
        }

        var hasElements = false;
        foreach (var child in element.Children)
        {
            hasElements |= child is EvtxElement or EvtxProcessingInstruction;
        }

        builder.Append('>');
        if (!hasElements)
        {
            foreach (var child in element.Children)
            {
                WriteText(builder, (EvtxText)child);
            }
        }
        else
        {
            builder.Append('\n');
            foreach (var child in element.Children)
            {
                switch (child)
                {
                    case EvtxElement inner:
                        WriteElement(builder, inner, depth + 1);
                        break;
                    case EvtxProcessingInstruction pi:
                        builder.Append(' ', (depth + 1) * 2).Append("<?").Append(pi.Target).Append(' ');
                        AppendValid(builder, pi.Data.Replace("?>", "?&gt;", StringComparison.Ordinal));
                        builder.Append("?>\n");
                        break;
                    case EvtxText text:
                        builder.Append(' ', (depth + 1) * 2);
                        WriteText(builder, text);
                        builder.Append('\n');
                        break;
                }
            }

            builder.Append(' ', depth * 2);
        }

        builder.Append("</").Append(element.Name).Append(">\n");
    }

    private static void WriteText(StringBuilder builder, EvtxText text)
    {
        if (text.IsCData && !text.Value.Contains("]]>", StringComparison.Ordinal))
        {
            builder.Append("<![CDATA[");
            AppendValid(builder, text.Value);
            builder.Append("]]>");
        }
        else
        {
            Escape(builder, text.Value, attribute: false);
        }
    }

    private static void Escape(StringBuilder builder, string value, bool attribute)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '&':
                    builder.Append("&amp;");
                    break;
                case '<':
                    builder.Append("&lt;");
                    break;
                case '>':
                    builder.Append("&gt;");
                    break;
                case '"' when attribute:
                    builder.Append("&quot;");
                    break;
                case '\r':
                    builder.Append("&#13;");
                    break;
                case '\n' when attribute:
                    builder.Append("&#10;");
                    break;
                case '\t' when attribute:
                    builder.Append("&#9;");
                    break;
                default:
                    AppendChar(builder, value, ref i);
                    break;
            }
        }
    }

    private static void AppendValid(StringBuilder builder, string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            AppendChar(builder, value, ref i);
        }
    }

    private static void AppendChar(StringBuilder builder, string value, ref int i)
    {
        var c = value[i];
        if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
        {
            builder.Append(c).Append(value[++i]);
        }
        else if ((c < 0x20 && c is not ('\t' or '\n' or '\r')) || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
        {
            builder.Append('\uFFFD');
        }
        else
        {
            builder.Append(c);
        }
    }
}
