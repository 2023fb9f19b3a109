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
/// Decides how urgent an appeal is, by rules an insurer can tune (<see cref="IntakeSettings.RedFlags"/>): the emergency
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
        var words = Words(description);
        foreach (var flag in settings.RedFlags)
        {
            if (Mentions(words, Words(flag)))
            {
                Raise(TriageLevels.Emergency, $"red flag: {flag}");
                break;
            }
        }
        return new TriageDecision(level, reasons);
    }

    /// <summary>
    /// Whether the text has the flag's words in a row, each compared by its stem so that inflected forms match:
    /// "боль в груди" matches "с болью в груди", "chest pain" matches "chest pains". Words of up to three letters must match exactly.
    /// </summary>
    private static bool Mentions(string[] text, string[] flag)
    {
        if (flag.Length == 0) return false;
        for (var start = 0; start + flag.Length <= text.Length; start++)
        {
            var all = true;
            for (var i = 0; i < flag.Length && all; i++)
            {
                var word = flag[i];
                all = word.Length <= 3
                    ? text[start + i] == word
                    : text[start + i].StartsWith(word[..Math.Max(3, word.Length - 2)], StringComparison.Ordinal);
            }
            if (all) return true;
        }
        return false;
    }

    private static string[] Words(string text) =>
        System.Text.RegularExpressions.Regex.Split(text.ToLowerInvariant(), @"[^\p{L}\p{N}]+").Where(w => w.Length > 0).ToArray();
}
