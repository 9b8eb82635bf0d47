namespace ImapAutomation.HybridWorker.PowerShell;

/// <summary>Stream records kept in order up to a character budget; records arrive on PowerShell's threads.</summary>
internal sealed class BoundedLines(int maxChars)
{
    private readonly List<string> _lines = [];
    private readonly Lock _lock = new();
    private int _chars;

    public bool Truncated { get; private set; }

    public void Add(string? line)
    {
        line ??= "";
        lock (_lock)
        {
            if (Truncated)
            {
                return;
            }

            var room = maxChars - _chars;
            if (line.Length > room)
            {
                if (room > 0)
                {
                    _lines.Add(line[..room]);
                    _chars = maxChars;
                }

                Truncated = true;
                return;
            }

            _lines.Add(line);
            _chars += line.Length;
        }
    }

    public IReadOnlyList<string> ToList()
    {
        lock (_lock)
        {
            return [.. _lines];
        }
    }
}
