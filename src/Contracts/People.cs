using System.Globalization;
using PhoneNumbers;

namespace Platform.Contracts;

/// <summary>
/// Who a contact is to the insured. The family relations (daughter, son, spouse, parent, sibling) say who is calling;
/// <c>relative</c> stays valid for anyone else in the family, or when the caller does not say.
/// </summary>
public static class ContactRelations
{
    public static readonly string[] All =
        ["insured", "daughter", "son", "spouse", "parent", "sibling", "relative", "clinic-doctor", "other"];
}

/// <summary>
/// How a contact wants to be reached: by <c>phone</c> (calls; written messages go by SMS to the same number), <c>sms</c>,
/// <c>email</c> or <c>messenger</c>.
/// </summary>
public static class ContactChannels
{
    public const string Phone = "phone";
    public const string Sms = "sms";
    public const string Email = "email";
    public const string Messenger = "messenger";
    public static readonly string[] All = [Phone, Sms, Email, Messenger];
}

/// <summary>
/// The languages person-facing text is written in: Russian and English. Any other language (or none) gets English,
/// which every coordinator also speaks.
/// </summary>
public static class PersonLanguage
{
    public const string Russian = "ru";
    public const string English = "en";

    public static string Of(string? language) =>
        language is not null && language.Trim().StartsWith(Russian, StringComparison.OrdinalIgnoreCase) ? Russian : English;

    /// <summary>A text of a per-language table with its placeholders ({name}) filled in.</summary>
    public static string Fill(string template, params (string Name, string? Value)[] values)
    {
        foreach (var (name, value) in values) template = template.Replace("{" + name + "}", value, StringComparison.Ordinal);
        return template;
    }
}

/// <summary>A person's time zone and where it was taken from.</summary>
/// <param name="Id">IANA id, e.g. <c>Europe/Moscow</c>.</param>
/// <param name="Source">
/// <c>explicit</c> (the person's own <c>timeZone</c> field), <c>phone</c> (the phone number's only zone),
/// <c>phone-country-capital</c> (the capital's zone of a country with several), <c>location</c> (the capital's zone of
/// the country of treatment), or <c>utc</c> (nothing to go on).
/// </param>
public sealed record PersonTimeZone(string Id, string Source)
{
    public const string Explicit = "explicit";
    public static readonly PersonTimeZone Utc = new("UTC", "utc");

    /// <summary>
    /// Countries that span several zones: the capital's zone is taken when only the country is known. Countries with one
    /// zone get theirs from the phone-number data of libphonenumber.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> CapitalZones = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["RU"] = "Europe/Moscow",
        ["KZ"] = "Asia/Almaty",
        ["US"] = "America/New_York",
        ["CA"] = "America/Toronto",
        ["MX"] = "America/Mexico_City",
        ["BR"] = "America/Sao_Paulo",
        ["AR"] = "America/Argentina/Buenos_Aires",
        ["CL"] = "America/Santiago",
        ["EC"] = "America/Guayaquil",
        ["AU"] = "Australia/Sydney",
        ["NZ"] = "Pacific/Auckland",
        ["ID"] = "Asia/Jakarta",
        ["CN"] = "Asia/Shanghai",
        ["MN"] = "Asia/Ulaanbaatar",
        ["ES"] = "Europe/Madrid",
        ["PT"] = "Europe/Lisbon",
        ["FR"] = "Europe/Paris",
        ["GB"] = "Europe/London",
        ["DE"] = "Europe/Berlin",
        ["CD"] = "Africa/Kinshasa",
    };

    /// <summary>Whether <paramref name="id"/> is a time zone this system knows (an IANA id such as Europe/Moscow).</summary>
    public static bool IsKnown(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out _);

    /// <summary>
    /// The zone to tell a person times in: their explicit zone; else the phone number's (its only zone, or the
    /// capital's of its country); else the capital's zone of the country they are in; else UTC.
    /// </summary>
    public static PersonTimeZone Resolve(string? explicitId, string? phone, string? country)
    {
        if (IsKnown(explicitId)) return new(TimeZoneInfo.FindSystemTimeZoneById(explicitId!.Trim()).Id, Explicit);
        if (FromPhone(phone) is { } byPhone) return byPhone;
        if (FromCountry(country) is { } byCountry) return byCountry with { Source = "location" };
        return Utc;
    }

    private static PersonTimeZone? FromPhone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone) || !phone.TrimStart().StartsWith('+')) return null;
        PhoneNumber number;
        try { number = PhoneNumberUtil.GetInstance().Parse(phone, null); }
        catch (NumberParseException) { return null; }
        var zones = PhoneNumberToTimeZonesMapper.GetInstance().GetTimeZonesForNumber(number)
            .Where(z => IsKnown(z)).ToArray();
        if (zones.Length == 1) return new(zones[0], "phone");
        var region = PhoneNumberUtil.GetInstance().GetRegionCodeForNumber(number);
        return FromCountry(region) is { } capital ? capital with { Source = "phone-country-capital" } : null;
    }

    private static PersonTimeZone? FromCountry(string? country)
    {
        if (string.IsNullOrWhiteSpace(country)) return null;
        var region = country.Trim().ToUpperInvariant();
        if (CapitalZones.TryGetValue(region, out var capital) && IsKnown(capital)) return new(capital, "country-capital");
        var example = PhoneNumberUtil.GetInstance().GetExampleNumber(region);
        if (example is null) return null;
        var zones = PhoneNumberToTimeZonesMapper.GetInstance().GetTimeZonesForNumber(example)
            .Where(z => IsKnown(z)).ToArray();
        return zones.Length == 1 ? new(zones[0], "country") : null;
    }
}

/// <summary>
/// Times as a person is told them: in their zone, named, with its offset at that instant, in their language:
/// "by 18:13 (Moscow time, UTC+3)" / "до 18:13 (Москва, UTC+3)", with the date when it is not today there.
/// </summary>
public static class PersonTime
{
    private static readonly string[] MonthsEnglish =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private static readonly string[] MonthsRussian =
        ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"];

    /// <summary>Russian names of the zones people of our insurers mostly live or travel in; others are named by offset only.</summary>
    private static readonly Dictionary<string, string> ZoneNamesRussian = new(StringComparer.Ordinal)
    {
        ["Europe/Moscow"] = "Москва", ["Europe/Kaliningrad"] = "Калининград", ["Europe/Samara"] = "Самара",
        ["Asia/Yekaterinburg"] = "Екатеринбург", ["Asia/Omsk"] = "Омск", ["Asia/Novosibirsk"] = "Новосибирск",
        ["Asia/Krasnoyarsk"] = "Красноярск", ["Asia/Irkutsk"] = "Иркутск", ["Asia/Yakutsk"] = "Якутск",
        ["Asia/Vladivostok"] = "Владивосток", ["Asia/Magadan"] = "Магадан", ["Asia/Kamchatka"] = "Камчатка",
        ["Europe/Minsk"] = "Минск", ["Europe/Kyiv"] = "Киев", ["Europe/Kiev"] = "Киев", ["Asia/Almaty"] = "Алматы",
        ["Asia/Tashkent"] = "Ташкент", ["Asia/Tbilisi"] = "Тбилиси", ["Asia/Yerevan"] = "Ереван", ["Asia/Baku"] = "Баку",
        ["Europe/Istanbul"] = "Стамбул", ["Asia/Dubai"] = "Дубай", ["Asia/Bangkok"] = "Бангкок", ["Africa/Cairo"] = "Каир",
        ["Asia/Jerusalem"] = "Иерусалим", ["Europe/London"] = "Лондон", ["Europe/Berlin"] = "Берлин", ["Europe/Paris"] = "Париж",
        ["Europe/Rome"] = "Рим", ["Europe/Madrid"] = "Мадрид", ["Europe/Prague"] = "Прага", ["Europe/Vienna"] = "Вена",
        ["Europe/Athens"] = "Афины", ["America/New_York"] = "Нью-Йорк", ["America/Chicago"] = "Чикаго",
        ["America/Denver"] = "Денвер", ["America/Los_Angeles"] = "Лос-Анджелес", ["America/Toronto"] = "Торонто",
        ["America/Mexico_City"] = "Мехико", ["America/Sao_Paulo"] = "Сан-Паулу", ["Australia/Sydney"] = "Сидней",
        ["Asia/Shanghai"] = "Шанхай", ["Asia/Tokyo"] = "Токио", ["Asia/Kolkata"] = "Индия", ["Asia/Ho_Chi_Minh"] = "Хошимин",
    };

    /// <summary>"18:13 (Moscow time, UTC+3)", with the date when <paramref name="at"/> is not on the person's today.</summary>
    public static string Format(DateTimeOffset at, PersonTimeZone zone, string language, DateTimeOffset now)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone.Id);
        var local = TimeZoneInfo.ConvertTime(at, tz);
        var today = TimeZoneInfo.ConvertTime(now, tz).Date;
        var ru = PersonLanguage.Of(language) == PersonLanguage.Russian;
        var time = local.ToString("HH:mm", CultureInfo.InvariantCulture);
        var date = local.Date == today ? ""
            : ru ? $" {local.Day} {MonthsRussian[local.Month - 1]}"
                 : $" on {local.Day} {MonthsEnglish[local.Month - 1]}";
        return $"{time}{date} ({Name(zone.Id, at, tz, ru)})";
    }

    /// <summary>A date as the person reads it: "5 December 2026" / "5 декабря 2026".</summary>
    public static string Date(DateOnly date, string language) =>
        PersonLanguage.Of(language) == PersonLanguage.Russian
            ? $"{date.Day} {MonthsRussian[date.Month - 1]} {date.Year}"
            : $"{date.Day} {MonthsEnglish[date.Month - 1]} {date.Year}";

    private static string Name(string id, DateTimeOffset at, TimeZoneInfo tz, bool ru)
    {
        var offset = Offset(tz.GetUtcOffset(at));
        if (id == "UTC" || id.StartsWith("Etc/", StringComparison.Ordinal)) return offset;
        if (ru) return ZoneNamesRussian.TryGetValue(id, out var name) ? $"{name}, {offset}" : offset;
        var city = id[(id.LastIndexOf('/') + 1)..].Replace('_', ' ');
        return $"{city} time, {offset}";
    }

    private static string Offset(TimeSpan offset)
    {
        if (offset == TimeSpan.Zero) return "UTC";
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var abs = offset.Duration();
        return abs.Minutes == 0
            ? $"UTC{sign}{abs.Hours.ToString(CultureInfo.InvariantCulture)}"
            : $"UTC{sign}{abs.Hours.ToString(CultureInfo.InvariantCulture)}:{abs.Minutes:00}";
    }
}
