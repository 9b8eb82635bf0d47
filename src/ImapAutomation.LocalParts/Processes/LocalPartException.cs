namespace ImapAutomation.LocalParts.Processes;

/// <summary>A local part could not start or stopped early; the message says which part, what failed and where.</summary>
public sealed class LocalPartException : Exception
{
    public LocalPartException()
    {
    }

    public LocalPartException(string message)
        : base(message)
    {
    }

    public LocalPartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
