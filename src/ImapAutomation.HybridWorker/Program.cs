using ImapAutomation.HybridWorker;

var builder = Host.CreateApplicationBuilder(args);
builder.AddHybridWorker();
await builder.Build().RunAsync().ConfigureAwait(false);
