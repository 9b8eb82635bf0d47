namespace ImapAutomation.HybridWorker;

/// <summary>All of the hybrid worker's wiring, in one place.</summary>
public static class HybridWorkerExtensions
{
    public static HostApplicationBuilder AddHybridWorker(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddWindowsService(options => options.ServiceName = "ImapAutomation Hybrid Worker");
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
