using ImapAutomation.LocalParts.Processes;

namespace ImapAutomation.Testing;

/// <summary>Free loopback ports, so parallel test runs and a developer's own services never collide.</summary>
public static class FreePort
{
    public static int Next() => LoopbackPorts.Next();
}
