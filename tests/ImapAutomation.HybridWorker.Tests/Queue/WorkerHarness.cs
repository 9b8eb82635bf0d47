using System.Management.Automation.Runspaces;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Queues;
using ImapAutomation.Core.Contracts;
using ImapAutomation.HybridWorker.PowerShell;
using ImapAutomation.HybridWorker.Queue;
using ImapAutomation.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImapAutomation.HybridWorker.Tests.Queue;

/// <summary>
/// A whole worker (host, options, DI) on private Azurite queues, with the Exchange lab as its Exchange connection:
/// a copy of the real catalog (plus test scripts under catalog names where a test needs one) and a copy of a lab
/// fixture, pointed at per runspace so parallel tests do not share it.
/// </summary>
internal sealed class WorkerHarness : IAsyncDisposable
{
    public const string KeyId = "k1";

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..12];
    private IHost? _host;

    public WorkerHarness(AzuriteFixture azurite, string fixture = "broken")
    {
        Folder = Directory.CreateTempSubdirectory("imapauto-worker-");
        Catalog = Directory.CreateDirectory(Path.Combine(Folder.FullName, "runbooks"));
        foreach (var script in Directory.GetFiles(RepoPaths.InRoot("runbooks"), "*.ps1"))
        {
            File.Copy(script, Path.Combine(Catalog.FullName, Path.GetFileName(script)));
        }

        LabState = ExchangeLabPaths.CopyFixture(fixture, Path.Combine(Folder.FullName, "lab-state.json"));
        Key = RandomNumberGenerator.GetBytes(32);
        Signer = new RunbookRequestSigner(new RunbookKeyRing(KeyId, Key));
        var service = new QueueServiceClient(azurite.ConnectionString);
        Requests = service.GetQueueClient("req-" + _suffix);
        Results = service.GetQueueClient("res-" + _suffix);
        Poison = service.GetQueueClient("req-" + _suffix + "-poison");
        Settings = new Dictionary<string, string?>
        {
            ["HybridWorker:LedgerPath"] = Path.Combine(Folder.FullName, "ledger.jsonl"),
            ["HybridWorker:MaxConcurrency"] = "4",
            ["HybridWorker:Catalog:RunbookRoot"] = Catalog.FullName,
            ["HybridWorker:PowerShell:MaxRunspaces"] = "3",
            ["HybridWorker:PowerShell:ModulesToImport:0"] = ExchangeLabPaths.Module,
            ["HybridWorker:PowerShell:DefaultTimeout"] = "00:01:00",
            ["HybridWorker:PowerShell:StopGrace"] = "00:00:05",
            ["HybridWorker:Queue:ConnectionString"] = azurite.ConnectionString,
            ["HybridWorker:Queue:RequestsQueue"] = Requests.Name,
            ["HybridWorker:Queue:ResultsQueue"] = Results.Name,
            ["HybridWorker:Queue:PoisonQueue"] = Poison.Name,
            ["HybridWorker:Queue:AllowedServers:0"] = "ex01",
            ["HybridWorker:Queue:AllowedServers:1"] = "ex02",
            ["HybridWorker:Queue:PollInterval"] = "00:00:00.200",
            ["HybridWorker:Queue:VisibilityTimeout"] = "00:00:10",
            ["HybridWorker:Queue:RenewInterval"] = "00:00:02",
            ["RunbookSigning:CurrentKeyId"] = KeyId,
            ["RunbookSigning:CurrentKey"] = Convert.ToBase64String(Key),
            // Nothing listens on port 1: unless a test points verification at Dovecot, the probe is refused.
            ["HybridWorker:Verification:Port"] = "1",
            ["HybridWorker:Verification:Timeout"] = "00:00:05",
        };
    }

    public DirectoryInfo Folder { get; }

    public DirectoryInfo Catalog { get; }

    public string LabState { get; }

    public byte[] Key { get; }

    public RunbookRequestSigner Signer { get; }

    public QueueClient Requests { get; }

    public QueueClient Results { get; }

    public QueueClient Poison { get; }

    public Dictionary<string, string?> Settings { get; }

    public IServiceProvider Services => _host?.Services ?? throw new InvalidOperationException("Not built yet.");

    public JsonElement LabServer(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(LabState));
        foreach (var server in document.RootElement.GetProperty("servers").EnumerateArray())
        {
            if (string.Equals(server.GetProperty("Name").GetString(), name, StringComparison.OrdinalIgnoreCase))
            {
                return server.Clone();
            }
        }

        throw new InvalidOperationException($"No server {name} in the lab state.");
    }

    /// <summary>Replaces (or adds) a catalog runbook with a test script.</summary>
    public void UseScript(string runbook, string testScript) =>
        File.Copy(PowerShell.PowerShellRunbookRunnerTests.Script(testScript), Path.Combine(Catalog.FullName, runbook + ".ps1"), overwrite: true);

    /// <summary>A test script under a catalog name, with a 5 s visibility timeout renewed every second: a message reappears soon unless renewed.</summary>
    public void UseShortVisibility(string runbook, string testScript)
    {
        UseScript(runbook, testScript);
        Settings["HybridWorker:Queue:VisibilityTimeout"] = "00:00:05";
        Settings["HybridWorker:Queue:RenewInterval"] = "00:00:01";
    }

    /// <summary>Builds the host; with <paramref name="runLoop"/> false the hosted loop is left out (tests drive the processor).</summary>
    public async Task StartAsync(bool runLoop = true)
    {
        await CreateQueuesAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(Settings);
        builder.Services.AddLogging();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHybridWorkerExecution();
        builder.Services.AddHybridWorkerQueueLoop();
        var state = LabState;
        builder.Services.AddSingleton(sp => new PowerShellRunbookRunner(
            sp.GetRequiredService<IOptions<PowerShellRunnerOptions>>(), TimeProvider.System,
            sp.GetRequiredService<ILogger<PowerShellRunbookRunner>>(), runspace => PointLabAt(runspace, state)));
        if (!runLoop)
        {
            var loop = builder.Services.Single(d => d.ImplementationType == typeof(RequestLoop));
            builder.Services.Remove(loop);
        }

        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            // A host that did not start cannot be stopped; disposing it here keeps the start failure the one reported.
            host.Dispose();
            throw;
        }

        _host = host;
    }

    public async Task CreateQueuesAsync()
    {
        await Requests.CreateIfNotExistsAsync();
        await Results.CreateIfNotExistsAsync();
        await Poison.CreateIfNotExistsAsync();
    }

    public static RunbookRequest NewRequest(string runbook, string server = "ex01", Dictionary<string, JsonElement>? parameters = null, int step = 1)
    {
        var now = DateTimeOffset.UtcNow;
        var incident = "ex01~CertificateBinding~" + Guid.NewGuid().ToString("N")[..8];
        return new RunbookRequest
        {
            SchemaVersion = RunbookRequest.CurrentSchemaVersion,
            RequestId = RunbookRequestIds.For(incident, 0, step, 0),
            IncidentId = incident,
            Runbook = runbook,
            TargetServer = server,
            Parameters = parameters ?? new Dictionary<string, JsonElement>(StringComparer.Ordinal),
            NotBefore = now.AddMinutes(-1),
            ExpiresAt = now.AddHours(1),
            RequestedBy = "system",
        };
    }

    /// <summary>Signs like a sender holding the key but without the signer's content check (a compromised or buggy cloud).</summary>
    public RunbookRequest SignRaw(RunbookRequest request, string keyId = KeyId, byte[]? key = null) => request with
    {
        KeyId = keyId,
        Signature = Convert.ToBase64String(HMACSHA256.HashData(key ?? Key, RunbookRequestCanonicalForm.Compute(request, keyId))),
    };

    public async Task SendAsync(RunbookRequest request) => await Requests.SendMessageAsync(RunbookContract.Serialize(Signer.Sign(request)));

    public async Task<List<RunbookResult>> WaitForResultsAsync(int count, TimeSpan timeout)
    {
        var results = new List<RunbookResult>();
        using var cts = new CancellationTokenSource(timeout);
        while (results.Count < count)
        {
            cts.Token.ThrowIfCancellationRequested();
            var messages = (await Results.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), cts.Token)).Value;
            foreach (var message in messages)
            {
                var parsed = RunbookContract.ParseResult(message.MessageText);
                Assert.True(parsed.IsValid, parsed.Reason);
                // Every result the worker posts, Rejected ones included, is signed with its current key.
                Assert.Null(new RunbookResultSigner(new RunbookKeyRing(KeyId, Key)).Verify(parsed.Value!));
                results.Add(parsed.Value!);
            }

            if (messages.Length == 0)
            {
                await Task.Delay(200, cts.Token);
            }
        }

        return results;
    }

    /// <summary>Receives one request with the worker's own source and processes it (for tests that drive the processor).</summary>
    public async Task<MessageDisposition> ProcessNextAsync(TimeSpan visibility)
    {
        var queues = Services.GetRequiredService<RequestQueues>();
        var received = await queues.Requests.ReceiveAsync(1, visibility, CancellationToken.None);
        var message = Assert.Single(received);
        return await Services.GetRequiredService<RequestProcessor>().ProcessAsync(message, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        await Requests.DeleteIfExistsAsync();
        await Results.DeleteIfExistsAsync();
        await Poison.DeleteIfExistsAsync();
        try
        {
            Folder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private static void PointLabAt(Runspace runspace, string state)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddCommand("Set-ExchangeLabState").AddParameter("Path", state).Invoke();
    }
}
