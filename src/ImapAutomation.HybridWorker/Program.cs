using ImapAutomation.HybridWorker;
using ImapAutomation.HybridWorker.Benchmark;

if (args is ["benchmark", ..])
{
    return await WorkerBenchmark.RunAsync(args[1..]).ConfigureAwait(false);
}

var builder = Host.CreateApplicationBuilder(args);
builder.AddHybridWorker();
await builder.Build().RunAsync().ConfigureAwait(false);
return 0;
