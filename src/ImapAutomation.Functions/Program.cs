using ImapAutomation.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.AddImapAutomation();
await builder.Build().RunAsync().ConfigureAwait(false);
