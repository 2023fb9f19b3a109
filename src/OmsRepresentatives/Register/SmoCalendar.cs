namespace Platform.OmsRepresentatives.Register;

/// <summary>
/// The SMO's calendar: the dates people see and the "today" that dates are checked against are in the SMO's time
/// zone (Moscow), not the server's or UTC.
/// </summary>
public static class SmoCalendar
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");

    /// <summary>Today's date in the SMO's time zone by the platform's clock.</summary>
    public static DateOnly Today(TimeProvider clock) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Zone).DateTime);
}
