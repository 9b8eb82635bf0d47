using System.Globalization;
using System.Text;

namespace ImapAutomation.Cli.Generate;

/// <summary><c>imapauto generate --events N --servers S --seed X [--out FILE]</c>: a reproducible storm for benchmarks and demos.</summary>
internal static class GenerateCommand
{
    internal const string Usage = "Usage: imapauto generate --events N [--servers S] [--seed X] [--out FILE]   (Event XML on stdout or FILE)";

    public static async Task<int> RunAsync(CliContext context)
    {
        long events = -1;
        int servers = 10, seed = 1;
        string? output = null;
        var args = context.Args;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            var ok = args[i] switch
            {
                "--events" => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out events) && events >= 0,
                "--servers" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out servers) && servers is > 0 and <= 10_000,
                "--seed" => int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed),
                "--out" => (output = value) is not null,
                _ => false,
            };
            if (!ok)
            {
                await context.Stderr.WriteLineAsync($"imapauto generate: bad or unknown option '{args[i]}'.\n{Usage}").ConfigureAwait(false);
                return CliApp.UsageError;
            }

            i++;
        }

        if (events < 0)
        {
            await context.Stderr.WriteLineAsync($"imapauto generate: --events is required.\n{Usage}").ConfigureAwait(false);
            return CliApp.UsageError;
        }

        var generator = new StormGenerator(servers, seed);
        if (output is null)
        {
            await generator.WriteAsync(context.Stdout, events, context.CancellationToken).ConfigureAwait(false);
            return CliApp.Ok;
        }

        var file = new StreamWriter(output, append: false, new UTF8Encoding(false), bufferSize: 1 << 20);
        await using (file.ConfigureAwait(false))
        {
            await generator.WriteAsync(file, events, context.CancellationToken).ConfigureAwait(false);
        }

        return CliApp.Ok;
    }
}
