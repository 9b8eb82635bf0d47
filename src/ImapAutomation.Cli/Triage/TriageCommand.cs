using System.Diagnostics;
using System.Text.Json;
using ImapAutomation.Core.Detection;
using ImapAutomation.Core.Signals;

namespace ImapAutomation.Cli.Triage;

/// <summary><c>imapauto triage</c>: reads every input with the shared parsers, correlates, and reports incidents.</summary>
internal static class TriageCommand
{
    public const int SomeInputRejected = 2;

    /// <summary>Errors kept per input for the report; the rejected count stays exact beyond it.</summary>
    private const int MaxErrorsPerInput = 1000;

    public static async Task<int> RunAsync(CliContext context)
    {
        var args = TriageArguments.Parse(context.Args);
        if (args.Error is not null)
        {
            await context.Stderr.WriteLineAsync($"imapauto triage: {args.Error}.").ConfigureAwait(false);
            await context.Stderr.WriteLineAsync(Usage).ConfigureAwait(false);
            return CliApp.UsageError;
        }

        var files = new List<string>();
        foreach (var path in args.Paths)
        {
            if (File.Exists(path))
            {
                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                files.AddRange(FilesIn(path));
            }
            else
            {
                await context.Stderr.WriteLineAsync($"imapauto triage: no such file or folder: {path}").ConfigureAwait(false);
                return CliApp.UsageError;
            }
        }

        var progress = ReferenceEquals(context.Stderr, Console.Error) && !Console.IsErrorRedirected ? context.Stderr : null;
        var correlator = new DetectionCorrelator(new DetectionOptions { Window = args.Window });
        var inputs = new List<InputReport>();
        foreach (var file in files)
        {
            inputs.Add(await ReadFileAsync(file, correlator, progress, context.CancellationToken).ConfigureAwait(false));
        }

        var incidents = correlator.TakeAll().Select(IncidentReport.From).ToList();
        var report = new TriageReport(inputs, incidents);
        if (args.Json)
        {
            await context.Stdout.WriteLineAsync(JsonSerializer.Serialize(report, TriageJsonContext.Default.TriageReport)).ConfigureAwait(false);
        }
        else
        {
            await TextReport.WriteAsync(context.Stdout, report, args.Window).ConfigureAwait(false);
        }

        return inputs.Any(i => i.Rejected > 0) ? SomeInputRejected : CliApp.Ok;
    }

    /// <summary>Reads one input into the correlator; an unreadable file is a rejected input, never a crash.</summary>
    internal static async Task<InputReport> ReadFileAsync(string path, DetectionCorrelator correlator, TextWriter? progress, CancellationToken cancellationToken)
    {
        long events = 0, rejected = 0;
        var errors = new List<ErrorReport>();
        var notices = new List<ErrorReport>();
        var format = SignalFormat.Unknown;
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                using var input = await SignalReader.OpenAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                format = input.Format;
                var clock = Stopwatch.StartNew();
                await foreach (var item in input.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    switch (item)
                    {
                        case SignalEvent e:
                            events++;
                            correlator.Add(e);
                            break;
                        case SignalRejection r:
                            rejected++;
                            if (errors.Count < MaxErrorsPerInput)
                            {
                                errors.Add(new ErrorReport(r.Location, r.Reason));
                            }

                            break;
                        case SignalNotice n:
                            notices.Add(new ErrorReport(n.Location, n.Message));
                            break;
                    }

                    if (progress is not null && (events & 0xFFFF) == 0 && clock.ElapsedMilliseconds > 1000)
                    {
                        clock.Restart();
                        await progress.WriteAsync($"\rtriage: {path}: {stream.Position / (1024 * 1024)} of {stream.Length / (1024 * 1024)} MB, {events} events   ").ConfigureAwait(false);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            rejected++;
            errors.Add(new ErrorReport("file", $"cannot be read: {ex.Message}"));
        }

        if (rejected > errors.Count)
        {
            errors.Add(new ErrorReport("(more)", $"{rejected - errors.Count} further rejections not listed"));
        }

        if (progress is not null)
        {
            await progress.WriteAsync("\r\u001b[K").ConfigureAwait(false);
        }

        return new InputReport(path, format.ToName(), events, rejected, errors) { Notices = notices.Count > 0 ? notices : null };
    }

    /// <summary>Folders are read recursively in name order; notes (*.md) and hidden files are not inputs.</summary>
    private static IEnumerable<string> FilesIn(string folder) =>
        Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Where(f => !Path.GetFileName(f).StartsWith('.') && !f.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);

    internal const string Usage = """
        Usage: imapauto triage [--json] [--window 30m] PATH...
          PATH      files or folders (read recursively; *.md and hidden files skipped); the format is told from content:
                    Windows Event XML or .evtx, Log Analytics JSON or CSV, Azure Monitor alert JSON, IMAP4 protocol logs
          --json    machine-readable report on stdout
          --window  correlation window (default 30m; s, m, h or d)
        Exit: 0 all input read, 2 some input rejected (the rest is still reported), 1 usage error.
        """;
}
