using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ImapAutomation.Infra.Tests;

public sealed partial class WorkflowTests
{
    public static TheoryData<string> Workflows() => ["deploy.yml", "release.yml", "ci.yml"];

    private static YamlMappingNode Load(string name) => YamlFile.Load(".github", "workflows", name);

    private static IEnumerable<(string Name, YamlMappingNode Job)> Jobs(YamlMappingNode workflow) =>
        ((YamlMappingNode)workflow.Get("jobs")!).Children.Select(j => (((YamlScalarNode)j.Key).Value!, (YamlMappingNode)j.Value));

    private static IEnumerable<string> Uses(YamlMappingNode job) =>
        ((YamlSequenceNode)job.Get("steps")!).Children.Select(s => s.Scalar("uses")).OfType<string>();

    [Theory]
    [MemberData(nameof(Workflows))]
    public void Workflow_TopLevel_GrantsNoPermissionsAndEveryJobHasATimeout(string file)
    {
        var workflow = Load(file);

        var permissions = Assert.IsType<YamlMappingNode>(workflow.Get("permissions"));
        Assert.Empty(permissions.Children);
        Assert.All(Jobs(workflow), j => Assert.True(int.Parse(j.Job.Scalar("timeout-minutes")!, System.Globalization.CultureInfo.InvariantCulture) > 0, j.Name));
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public void Workflow_EveryAction_IsPinnedToAnExactVersion(string file)
    {
        var uses = Jobs(Load(file)).SelectMany(j => Uses(j.Job)).ToList();

        Assert.NotEmpty(uses);
        Assert.All(uses, u => Assert.Matches(PinnedAction(), u));
    }

    [Fact]
    public void Deploy_OnlyTheDeployJob_MayRequestAnOidcToken()
    {
        var jobs = Jobs(Load("deploy.yml")).ToList();

        var withToken = jobs.Where(j => j.Job.Get("permissions")?.Scalar("id-token") == "write").Select(j => j.Name).ToList();
        Assert.Equal(["deploy"], withToken);
    }

    [Fact]
    public void Deploy_Job_SignsInWithOidcFromVariablesInTheProductionEnvironment()
    {
        var job = Jobs(Load("deploy.yml")).Single(j => j.Name == "deploy").Job;
        var steps = ((YamlSequenceNode)job.Get("steps")!).Children.ToList();

        Assert.Equal("production", job.Get("environment")!.Scalar("name"));
        var login = steps.Single(s => s.Scalar("uses")?.StartsWith("azure/login@", StringComparison.Ordinal) == true).Get("with")!;
        Assert.Equal("${{ vars.AZURE_CLIENT_ID }}", login.Scalar("client-id"));
        Assert.Equal("${{ vars.AZURE_TENANT_ID }}", login.Scalar("tenant-id"));
        Assert.Equal("${{ vars.AZURE_SUBSCRIPTION_ID }}", login.Scalar("subscription-id"));
        Assert.Null(login.Get("creds"));
        Assert.Null(login.Get("client-secret"));
        var scripts = string.Join('\n', steps.Select(s => s.Scalar("run")).OfType<string>());
        Assert.Contains("--federated-credential-provider github", scripts, StringComparison.Ordinal);
        Assert.Contains("azd provision --no-prompt", scripts, StringComparison.Ordinal);
        Assert.Contains("azd deploy --no-prompt", scripts, StringComparison.Ordinal);
        Assert.Contains("azd env set AZURE_KEY_VAULT_NAME", scripts, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deploy.yml")]
    [InlineData("release.yml")]
    public void Workflow_Text_UsesNoStoredCredential(string file)
    {
        var text = File.ReadAllText(ImapAutomation.Testing.RepoPaths.InRoot(".github", "workflows", file));

        Assert.DoesNotMatch(StoredSecret(), text);
    }

    [Fact]
    public void Release_Job_PublishesSelfContainedWinX64WithTheInstallScript()
    {
        var job = Jobs(Load("release.yml")).Single(j => j.Name == "hybrid-worker").Job;
        var scripts = string.Join('\n', ((YamlSequenceNode)job.Get("steps")!).Children.Select(s => s.Scalar("run")).OfType<string>());

        Assert.Contains("--runtime win-x64 --self-contained true", scripts, StringComparison.Ordinal);
        Assert.Contains("src/ImapAutomation.HybridWorker/ImapAutomation.HybridWorker.csproj", scripts, StringComparison.Ordinal);
        Assert.Contains("src/ImapAutomation.HybridWorker/install/Install-HybridWorker.ps1", scripts, StringComparison.Ordinal);
        Assert.Contains("sha256sum", scripts, StringComparison.Ordinal);
        Assert.Equal("write", job.Get("permissions")!.Scalar("contents"));
        Assert.Null(job.Get("permissions")!.Get("id-token"));
    }

    [Fact]
    public void Release_ImapautoJob_PublishesNativeForLinuxAndWindowsWithChecksums()
    {
        var job = Jobs(Load("release.yml")).Single(j => j.Name == "imapauto").Job;
        var scripts = string.Join('\n', ((YamlSequenceNode)job.Get("steps")!).Children.Select(s => s.Scalar("run")).OfType<string>());
        var targets = ((YamlSequenceNode)job.Get("strategy")!.Get("matrix")!.Get("include")!).Children
            .Select(t => (t.Scalar("os"), t.Scalar("rid"))).ToList();

        Assert.Equal([("ubuntu-24.04", "linux-x64"), ("windows-2022", "win-x64")], targets);
        Assert.Contains("src/ImapAutomation.Cli/ImapAutomation.Cli.csproj", scripts, StringComparison.Ordinal);
        Assert.Contains("--runtime \"$RID\" -p:Native=true", scripts, StringComparison.Ordinal);
        Assert.Contains("sha256sum", scripts, StringComparison.Ordinal);
        Assert.Equal("write", job.Get("permissions")!.Scalar("contents"));
        Assert.Null(job.Get("permissions")!.Get("id-token"));
    }

    // owner/repo[/path]@vMAJOR.MINOR.PATCH or a full commit SHA: never a branch or a moving major tag.
    [GeneratedRegex(@"^[\w.-]+/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$")]
    private static partial Regex PinnedAction();

    [GeneratedRegex(@"secrets\.(AZURE_CREDENTIALS|AZURE_CLIENT_SECRET|\w*PASSWORD\w*)|client-secret:|creds:", RegexOptions.IgnoreCase)]
    private static partial Regex StoredSecret();
}
