using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json.Nodes;
using ImapAutomation.Cli.Cards;
using ImapAutomation.Core.Cards;
using ImapAutomation.Core.Detection;
using Microsoft.Extensions.Options;

namespace ImapAutomation.Cli.Tests.Cards;

/// <summary>Renders cards with the real adaptivecards renderer in real headless Chromium.</summary>
public sealed class CardsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imapauto-cards-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("incident", "1.5")]
    [InlineData("result", "1.5")]
    [InlineData("escalation", "1.5")]
    [InlineData("progress", "1.5")]
    [InlineData("result", "1.4")]
    public async Task Render_SampleOfEachKind_DrawsANonBlankPictureWithoutRendererErrors(string kind, string version)
    {
        var json = Path.Combine(_dir, kind + ".json");
        var png = Path.Combine(_dir, kind + ".png");
        Assert.Equal(CliApp.Ok, (await RunAsync("cards", "sample", kind, "--version", version, "--out", json)).Exit);

        var (exit, stdout, stderr) = await RunAsync("cards", "render", json, "--out", png);

        Assert.True(exit == CliApp.Ok, stderr);
        Assert.Contains("560x", stdout, StringComparison.Ordinal);
        var (width, height, distinctBytes) = ReadPng(png);
        Assert.Equal(560, width);
        Assert.InRange(height, 150, 2000);
        Assert.True(distinctBytes > 16, $"The picture looks blank ({distinctBytes} distinct byte values).");
    }

    [Fact]
    public async Task Render_IncidentWithHostileEventText_RendersTheTextLiterallyWithoutErrors()
    {
        const string text = "**bold** [click](https://evil.example/p) <at>CEO</at> \u202Eexe.txt\r\n- item _x_ <script>alert(1)</script>";
        var sample = CardSamples.Incident();
        var model = sample with { Server = "ex01 " + text, Evidence = [new EvidenceItem(text, 36888, 4812, 51, text, text)] };
        var card = new IncidentCardBuilder(Options.Create(CardSamples.Options())).Build(model);
        var json = Path.Combine(_dir, "hostile.json");
        await File.WriteAllTextAsync(json, card.ToJsonString());

        var (exit, _, stderr) = await RunAsync("cards", "render", json, "--out", Path.Combine(_dir, "hostile.png"));

        Assert.True(exit == CliApp.Ok, stderr);
    }

    [Fact]
    public async Task Render_ResultWithHostileStateValues_RendersTheValuesLiterallyWithoutErrors()
    {
        const string text = "{{DATE(2026-11-30T09:00:00Z, SHORT)}} **bold** [click](https://evil.example/p) <at>CEO</at> \u202Eexe.txt";
        var state = Enumerable.Range(0, 30).Select(i => new StateChangeModel(text + i, i % 2 == 0 ? null : text + new string('x', 3000), text)).ToList();
        var model = CardSamples.Result() with { Changes = [new ChangeModel("Set-ImapCertificate", "before", "after", state, StateOmitted: 9)] };
        var card = new ResultCardBuilder(Options.Create(CardSamples.Options())).Build(model);
        var json = Path.Combine(_dir, "hostile-result.json");
        await File.WriteAllTextAsync(json, card.ToJsonString());

        var (exit, _, stderr) = await RunAsync("cards", "render", json, "--out", Path.Combine(_dir, "hostile-result.png"));

        Assert.True(exit == CliApp.Ok, stderr);
    }

    [Fact]
    public async Task Render_CardTheRendererRejects_FailsAndNamesTheProblem()
    {
        var json = Path.Combine(_dir, "bad.json");
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["version"] = "1.5",
            ["body"] = new JsonArray(new JsonObject { ["type"] = "Frobnicator", ["text"] = "x" }),
        };
        await File.WriteAllTextAsync(json, card.ToJsonString());

        var (exit, _, stderr) = await RunAsync("cards", "render", json, "--out", Path.Combine(_dir, "bad.png"));

        Assert.Equal(CardsCommand.RenderFailed, exit);
        Assert.Contains("Frobnicator", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"type\":\"AdaptiveCard\",", "not JSON")]
    [InlineData("{\"type\":\"Message\"}", "not an Adaptive Card")]
    public async Task Render_FileThatIsNotACard_IsRefusedBeforeStartingABrowser(string content, string expected)
    {
        var json = Path.Combine(_dir, "input.json");
        await File.WriteAllTextAsync(json, content);

        var (exit, _, stderr) = await RunAsync("cards", "render", json, "--out", Path.Combine(_dir, "x.png"));

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.png")));
    }

    [Fact]
    public async Task Render_WithoutOut_IsAUsageError()
    {
        var (exit, _, stderr) = await RunAsync("cards", "render", "card.json");

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains("--out", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_UnknownKind_IsAUsageErrorListingNothingWritten()
    {
        var (exit, stdout, stderr) = await RunAsync("cards", "sample", "memo");

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains("unknown kind 'memo'", stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Width, height and how varied the decompressed pixel data is (a blank image has almost none).</summary>
    private static (int Width, int Height, int DistinctBytes) ReadPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }), "Not a PNG.");
        var width = 0;
        var height = 0;
        using var idat = new MemoryStream();
        for (var offset = 8; offset + 8 <= bytes.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset));
            var type = System.Text.Encoding.ASCII.GetString(bytes, offset + 4, 4);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset + 8));
                height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset + 12));
            }
            else if (type == "IDAT")
            {
                idat.Write(bytes, offset + 8, length);
            }

            offset += 12 + length;
        }

        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        using var pixels = new MemoryStream();
        zlib.CopyTo(pixels);
        return (width, height, pixels.ToArray().Distinct().Count());
    }
}
