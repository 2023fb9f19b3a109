namespace Platform.Cases.Briefing;

/// <summary>
/// Section <c>Assistance</c>: the assistance company as callers are told it (in the MEDIF's explanation of the
/// briefing): its name and its 24/7 telephone. Set them to your own company's.
/// </summary>
public sealed class AssistanceOptions
{
    public string Name { get; set; } = "Medical assistance";

    public string Phone { get; set; } = "+1 555 0100";
}
