using System.Globalization;
using Platform.OmsRepresentatives.Profile;

namespace Platform.OmsRepresentatives.Reports;

/// <summary>
/// A report's period: whole calendar days <c>From</c> to <c>To</c> inclusive in the SMO's time zone, and the instants
/// they span (<c>Start</c> inclusive, <c>End</c> exclusive, UTC) for comparing timestamps.
/// </summary>
public sealed record ReportPeriod(DateOnly From, DateOnly To, DateTimeOffset Start, DateTimeOffset End, TimeZoneInfo Zone)
{
    public static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    /// <summary>
    /// The period from the query's <c>from</c> and <c>to</c> (YYYY-MM-DD): both required, <c>from</c> not after
    /// <c>to</c>, at most a year; with <paramref name="sameYear"/>, inside one calendar year. Null with the fields named in <paramref name="e"/>.
    /// </summary>
    public static ReportPeriod? Parse(string? from, string? to, TimeZoneInfo zone, bool sameYear, ValidationErrors e)
    {
        var start = Date("from", from, e);
        var end = Date("to", to, e);
        if (start is not { } f || end is not { } t) return null;
        if (f > t) e.Add("to", "The period's end (to) must not be before its start (from).");
        else if (t >= f.AddYears(1)) e.Add("to", "The period must be at most a year (to before from plus one year).");
        else if (sameYear && f.Year != t.Year) e.Add("to", "The period must lie within one calendar year (the year whose due persons the report counts).");
        return e.IsValid ? new ReportPeriod(f, t, SmoProfile.StartOf(f, zone), SmoProfile.StartOf(t.AddDays(1), zone), zone) : null;
    }

    private static DateOnly? Date(string field, string? value, ValidationErrors e)
    {
        if (!e.Required(field, value)) return null;
        if (DateOnly.TryParseExact(value!.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && date.Year is >= 2000 and <= 2100) return date;
        e.Add(field, "The field must be a date as YYYY-MM-DD (2000 to 2100).");
        return null;
    }

    /// <summary>The calendar year of the period (the informing report's periods lie within one).</summary>
    public int Year => From.Year;

    public DateTimeOffset YearStart => SmoProfile.StartOf(new DateOnly(Year, 1, 1), Zone);

    /// <summary>«01.01.2026 – 31.03.2026».</summary>
    public string Text => $"{From.ToString("dd.MM.yyyy", Russian)} – {To.ToString("dd.MM.yyyy", Russian)}";

    /// <summary>The period in a file name: «2026-01-01-2026-03-31».</summary>
    public string FileText => string.Create(CultureInfo.InvariantCulture, $"{From:yyyy-MM-dd}-{To:yyyy-MM-dd}");
}
