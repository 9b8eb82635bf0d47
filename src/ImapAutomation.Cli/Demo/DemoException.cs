namespace ImapAutomation.Cli.Demo;

/// <summary>
/// A demo part could not start or the run cannot go on; the message says which part and why. Parts started through
/// ImapAutomation.LocalParts fail with its LocalPartException instead, which the demo reports the same way.
/// </summary>
internal sealed class DemoException(string message) : Exception(message);
