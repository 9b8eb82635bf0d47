namespace ImapAutomation.Core.Signals.EventXml;

/// <summary>Where the System values the rules read sit in one frame; null when the event has none.</summary>
internal struct EventFields
{
    public Range? Provider;
    public Range? EventId;
    public Range? Qualifiers;
    public Range? Level;
    public Range? Time;
    public Range? RecordId;
    public Range? Channel;
    public Range? Computer;

    /// <summary>How many values are present.</summary>
    public readonly int Count =>
        (Provider is null ? 0 : 1) + (EventId is null ? 0 : 1) + (Qualifiers is null ? 0 : 1) + (Level is null ? 0 : 1) +
        (Time is null ? 0 : 1) + (RecordId is null ? 0 : 1) + (Channel is null ? 0 : 1) + (Computer is null ? 0 : 1);

    public void Set(HoleRole role, Range at)
    {
        switch (role)
        {
            case HoleRole.Provider: Provider = at; break;
            case HoleRole.EventId: EventId = at; break;
            case HoleRole.Qualifiers: Qualifiers = at; break;
            case HoleRole.Level: Level = at; break;
            case HoleRole.Time: Time = at; break;
            case HoleRole.RecordId: RecordId = at; break;
            case HoleRole.Channel: Channel = at; break;
            case HoleRole.Computer: Computer = at; break;
        }
    }

    /// <summary>The role of the value at <paramref name="at"/>, None when no System value kept is there.</summary>
    public readonly HoleRole RoleOf(Range at) =>
        Is(Provider, at) ? HoleRole.Provider
        : Is(EventId, at) ? HoleRole.EventId
        : Is(Qualifiers, at) ? HoleRole.Qualifiers
        : Is(Level, at) ? HoleRole.Level
        : Is(Time, at) ? HoleRole.Time
        : Is(RecordId, at) ? HoleRole.RecordId
        : Is(Channel, at) ? HoleRole.Channel
        : Is(Computer, at) ? HoleRole.Computer
        : HoleRole.None;

    private static bool Is(Range? field, Range at) => field is { } f && f.Equals(at);
}
