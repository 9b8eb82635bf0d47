namespace ImapAutomation.Core.LogAnalytics;

/// <summary>A 2xx response the client cannot use: not JSON, not the documented shape, or over the size limit.</summary>
public sealed class LogAnalyticsResponseException : Exception
{
    public LogAnalyticsResponseException()
    {
    }

    public LogAnalyticsResponseException(string message)
        : base(message)
    {
    }

    public LogAnalyticsResponseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
