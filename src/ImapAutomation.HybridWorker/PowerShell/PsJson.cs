using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json.Nodes;

namespace ImapAutomation.HybridWorker.PowerShell;

/// <summary>
/// Converts runbook output (pscustomobjects, hashtables, arrays, primitives) to JSON in C#, so no ConvertTo-Json
/// text is run and depth and cycles are bounded here.
/// </summary>
internal static class PsJson
{
    public const int MaxDepth = 10;

    public static JsonNode? ToNode(object? value, int depth = 0)
    {
        if (value is PSObject wrapped)
        {
            return wrapped.BaseObject is PSCustomObject ? FromProperties(wrapped, depth) : ToNode(wrapped.BaseObject, depth);
        }

        switch (value)
        {
            case null:
                return null;
            case string or char or Guid or Uri or Enum:
                return JsonValue.Create(value.ToString());
            case bool b:
                return JsonValue.Create(b);
            case SwitchParameter s:
                return JsonValue.Create(s.IsPresent);
            case int or long or short or byte or sbyte or uint or ushort:
                return JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case ulong u:
                return JsonValue.Create(u);
            case decimal m:
                return JsonValue.Create(m);
            case double d:
                return double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(d.ToString(CultureInfo.InvariantCulture));
            case float f:
                return float.IsFinite(f) ? JsonValue.Create(f) : JsonValue.Create(f.ToString(CultureInfo.InvariantCulture));
            case DateTime dt:
                return JsonValue.Create(dt.ToString("O", CultureInfo.InvariantCulture));
            case DateTimeOffset dto:
                return JsonValue.Create(dto.ToString("O", CultureInfo.InvariantCulture));
            case TimeSpan ts:
                return JsonValue.Create(ts.ToString("c", CultureInfo.InvariantCulture));
        }

        if (depth >= MaxDepth)
        {
            return JsonValue.Create(value.ToString());
        }

        if (value is IDictionary dictionary)
        {
            var obj = new JsonObject();
            foreach (DictionaryEntry entry in dictionary)
            {
                obj[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = ToNode(entry.Value, depth + 1);
            }

            return obj;
        }

        if (value is IEnumerable sequence)
        {
            var array = new JsonArray();
            foreach (var item in sequence)
            {
                array.Add(ToNode(item, depth + 1));
            }

            return array;
        }

        return FromProperties(PSObject.AsPSObject(value), depth);
    }

    private static JsonObject FromProperties(PSObject source, int depth)
    {
        var obj = new JsonObject();
        if (depth >= MaxDepth)
        {
            return obj;
        }

        foreach (var property in source.Properties)
        {
            if (!property.IsGettable)
            {
                continue;
            }

            object? propertyValue;
            try
            {
                propertyValue = property.Value;
            }
            catch (GetValueException ex)
            {
                propertyValue = "<" + ex.Message + ">";
            }

            obj[property.Name] = ToNode(propertyValue, depth + 1);
        }

        return obj;
    }
}
