using System.Globalization;

namespace Platform.Console.Texts;

/// <summary>Times on screen: in the person's own zone, with the zone named, and due times as a countdown.</summary>
public static class Times
{
    public static string ZoneName(TimeZoneInfo zone)
    {
        var offset = zone.GetUtcOffset(DateTimeOffset.UtcNow);
        var sign = offset < TimeSpan.Zero ? "−" : "+";
        var hours = offset.Duration();
        var utc = offset == TimeSpan.Zero ? "UTC" : $"UTC{sign}{hours.Hours}{(hours.Minutes != 0 ? $":{hours.Minutes:00}" : "")}";
        return zone == TimeZoneInfo.Utc ? "UTC" : $"{zone.Id} ({utc})";
    }

    /// <summary>"05.12 14:00" (or "5 Dec 14:00"), in the zone.</summary>
    public static string Format(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return local.ToString(T.Russian ? "dd.MM.yyyy HH:mm" : "d MMM yyyy HH:mm", CultureInfo.CurrentCulture);
    }

    public static string Format(DateTimeOffset? instant, TimeZoneInfo zone) => instant is { } i ? Format(i, zone) : "—";

    /// <summary>"in 1 h 05 min" / "overdue by 12 min", from now.</summary>
    public static string Countdown(DateTimeOffset due, DateTimeOffset now)
    {
        var left = due - now;
        var span = Span(left.Duration());
        return left >= TimeSpan.Zero ? T.Pick($"in {span}", $"через {span}") : T.Pick($"overdue by {span}", $"просрочено на {span}");
    }

    private static string Span(TimeSpan span)
    {
        if (span.TotalDays >= 1) return T.Pick($"{(int)span.TotalDays} d {span.Hours} h", $"{(int)span.TotalDays} дн {span.Hours} ч");
        if (span.TotalHours >= 1) return T.Pick($"{(int)span.TotalHours} h {span.Minutes:00} min", $"{(int)span.TotalHours} ч {span.Minutes:00} мин");
        if (span.TotalMinutes >= 1) return T.Pick($"{(int)span.TotalMinutes} min", $"{(int)span.TotalMinutes} мин");
        return T.Pick($"{span.Seconds} s", $"{span.Seconds} с");
    }
}
