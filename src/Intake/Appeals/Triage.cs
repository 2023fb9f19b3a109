namespace Platform.Intake.Appeals;

/// <summary>Triage levels, most urgent first; the coordinators' queue is ordered by this rank.</summary>
public static class TriageLevels
{
    public const string Emergency = "emergency";
    public const string Urgent = "urgent";
    public const string Planned = "planned";
    public const string Telemedicine = "telemedicine";

    public static readonly string[] All = [Emergency, Urgent, Telemedicine, Planned];

    public static int Rank(string level) => Array.IndexOf(All, level) is var i and >= 0 ? i : All.Length;
}

public sealed record TriageDecision(string Level, IReadOnlyList<string> Reasons);

/// <summary>
/// Decides how urgent an appeal is, by rules an insurer can tune (<see cref="IntakeSettings.RedFlagConcepts"/>, <see cref="IntakeSettings.RedFlags"/>): the emergency
/// line and red-flag symptoms make an emergency; a clinic's doctor calling means at least urgent; a level the
/// coordinator chose is kept unless a rule demands a more urgent one.
/// </summary>
public static class Triage
{
    private static readonly string[] VoiceChannels = ["phone", "emergency-line", "clinic-line"];

    public static TriageDecision Assess(string channel, string? requested, string description, IntakeSettings settings)
    {
        var reasons = new List<string>();
        var level = requested ?? (VoiceChannels.Contains(channel) ? TriageLevels.Urgent : TriageLevels.Planned);
        reasons.Add(requested is null ? $"default for the {channel} channel" : "level chosen at intake");

        void Raise(string to, string reason)
        {
            if (TriageLevels.Rank(to) >= TriageLevels.Rank(level)) return;
            level = to;
            reasons.Add(reason);
        }

        if (channel == "clinic-line") Raise(TriageLevels.Urgent, "a clinic's doctor is calling");
        if (channel == "emergency-line") Raise(TriageLevels.Emergency, "call on the emergency line");
        if (RedFlagMatcher.For(settings).FirstMention(description) is { } redFlag) Raise(TriageLevels.Emergency, redFlag);
        return new TriageDecision(level, reasons);
    }
}
