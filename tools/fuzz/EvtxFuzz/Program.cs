using ImapAutomation.Core.Evtx;
using SharpFuzz;

// The EVTX reader promises never to throw on bad input: any exception that escapes here is a finding.
// `EvtxFuzz` runs under afl-fuzz; `EvtxFuzz --replay FILE...` runs inputs once (a finding's reproduction).
if (args is ["--replay", .. var files])
{
    foreach (var file in files)
    {
        using var stream = File.OpenRead(file);
        var count = ReadAll(stream);
        Console.WriteLine($"{file}: {count} records");
    }

    return;
}

Fuzzer.OutOfProcess.Run(stream => ReadAll(stream));

static int ReadAll(Stream stream)
{
    var reader = new EvtxReader(stream);
    var count = 0;
    foreach (var record in reader.ReadRecords())
    {
        _ = record.ToXml();
        count++;
    }

    return count;
}
