namespace Platform.OmsRepresentatives.Appeals;

/// <summary>Section <c>Oms:Appeals</c>: the SMO whose representatives work the appeals, and the law's clock.</summary>
public sealed class AppealOptions
{
    public const string Section = "Oms:Appeals";

    /// <summary>The SMO's time zone (IANA): dates on letters, days left on the clock, the figures' days.</summary>
    public string TimeZone { get; set; } = "Europe/Moscow";

    /// <summary>The SMO's name as it signs its letters to citizens (Russian).</summary>
    public string? SmoName { get; set; }

    /// <summary>The SMO's hotline number, printed on its letters.</summary>
    public string? SmoPhone { get; set; }

    /// <summary>A written appeal with this many calendar days or fewer left gets an <c>answer-due-soon</c> task.</summary>
    public int DueSoonDays { get; set; } = 5;

    /// <summary>How often <see cref="AppealClock"/> scans the open appeals.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMinutes(1);

    private TimeZoneInfo? zone;

    /// <summary>The resolved <see cref="TimeZone"/>.</summary>
    public TimeZoneInfo Zone => zone ??= TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>What is wrong with the settings (empty when they are usable), checked when the service starts.</summary>
    public IEnumerable<string> Problems()
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone ?? "", out _)) yield return $"TimeZone '{TimeZone}' is not an IANA time zone";
        if (string.IsNullOrWhiteSpace(SmoName)) yield return "SmoName is required (it signs the letters to citizens)";
        if (string.IsNullOrWhiteSpace(SmoPhone)) yield return "SmoPhone is required (it is printed on the letters)";
        if (DueSoonDays is < 1 or > 29) yield return "DueSoonDays must be 1 to 29";
        if (ScanInterval < TimeSpan.FromSeconds(1) || ScanInterval > TimeSpan.FromHours(1)) yield return "ScanInterval must be 1 second to 1 hour";
    }

    /// <summary>The calendar date of <paramref name="at"/> in the SMO's time zone.</summary>
    public DateOnly LocalDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);

    /// <summary>The instant the SMO's day <paramref name="date"/> begins.</summary>
    public DateTimeOffset StartOf(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
