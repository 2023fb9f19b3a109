using MudBlazor;

namespace Platform.Console.Components.Case;

/// <summary>How the case screen shows states: colours of chips and countdowns.</summary>
public static class CaseUi
{
    /// <summary>Red when overdue, amber in the last quarter of an hour (the console's countdown classes).</summary>
    public static string CountdownClass(DateTimeOffset due, DateTimeOffset now) =>
        due < now ? "countdown-overdue" : due - now < TimeSpan.FromMinutes(15) ? "countdown-soon" : "";

    public static Color StatusColor(string status) => status switch
    {
        "hospitalised" => Color.Error,
        "awaiting-repatriation" => Color.Warning,
        "outpatient" => Color.Info,
        "closed" => Color.Default,
        _ => Color.Primary,
    };

    public static Color UrgencyColor(string urgency) => urgency switch
    {
        "emergency" => Color.Error,
        "urgent" => Color.Warning,
        _ => Color.Default,
    };

    public static Color DocumentColor(string state) => state switch
    {
        "accepted" => Color.Success,
        "rejected" => Color.Error,
        "received" => Color.Info,
        _ => Color.Warning,
    };

    public static Color MessageColor(string status) => status switch
    {
        "sent" => Color.Success,
        "failed" => Color.Error,
        "held" => Color.Warning,
        _ => Color.Info,
    };

    /// <summary>A bar's colour by the thresholds the platform says were crossed: 100% red, any other amber.</summary>
    public static Color CoverageColor(IReadOnlyList<int> reached, decimal? percent) =>
        reached.Any(t => t >= 100) || percent >= 100 ? Color.Error : reached.Count > 0 ? Color.Warning : Color.Success;

    /// <summary>The person's zone for a contact's IANA id, or null when this machine does not know it.</summary>
    public static TimeZoneInfo? Zone(string? id) =>
        id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
}
