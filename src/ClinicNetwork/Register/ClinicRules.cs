using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;
using Platform.Contracts;

namespace Platform.ClinicNetwork.Register;

/// <summary>
/// The published specialty codes of the clinic network (README, "Clinic network"): our own short list of what an
/// assistance company sends a traveller to a clinic for, rather than a full provider taxonomy (NUCC has ~900 codes,
/// most of them of no use for choosing where to send a patient abroad).
/// </summary>
public static class Specialties
{
    [EnumSchema("Specialty")]
    public static readonly string[] Codes =
    [
        "general-medicine", "emergency", "internal-medicine", "cardiology", "orthopaedics", "traumatology", "surgery",
        "paediatrics", "obstetrics", "gynaecology", "dentistry", "ophthalmology", "otolaryngology", "dermatology",
        "neurology", "psychiatry", "urology", "gastroenterology", "pulmonology", "infectious-diseases", "radiology",
        "intensive-care",
    ];
}

public static class ClinicStatuses
{
    public const string Active = "active";

    [EnumSchema("ClinicStatus")]
    public static readonly string[] All = [Active, "suspended", "delisted"];
}

/// <summary>The rules for each field of a clinic, shared by the JSON and CSV readers: each check returns an error or null.</summary>
public static partial class ClinicRules
{
    public const int MaxCode = 64;
    public const int MaxText = 200;
    public const int MaxAddress = 500;
    public const int MaxServiceCode = 64;
    private const decimal MaxPrice = 1_000_000_000m;

    private static readonly FrozenSet<string> SpecialtySet = Specialties.Codes.ToFrozenSet(StringComparer.Ordinal);

    [GeneratedRegex(@"^[\p{L}\p{N}][\p{L}\p{N}._/-]*$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex ServiceCodePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\+?[0-9 ()./-]{4,32}$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^\d{2}:\d{2}$")]
    private static partial Regex ClockPattern();

    public static string? CheckCode(string value) =>
        value.Length > MaxCode ? $"The code must be at most {MaxCode} characters long."
        : CodePattern().IsMatch(value) ? null
        : "The code may hold letters, digits and . _ / - and must start with a letter or digit.";

    public static string? CheckText(string value, int max = MaxText) =>
        value.Length > max ? $"The field must be at most {max} characters long." : null;

    public static string? CheckCountry(string value) =>
        IsoCodes.Countries.Contains(value) ? null : $"'{value}' is not an ISO 3166-1 alpha-2 country code such as 'US' or 'TR'.";

    public static string? CheckLatitude(double value) =>
        double.IsFinite(value) && value is >= -90 and <= 90 ? null : "The latitude must be between -90 and 90 degrees.";

    public static string? CheckLongitude(double value) =>
        double.IsFinite(value) && value is >= -180 and <= 180 ? null : "The longitude must be between -180 and 180 degrees.";

    public static string? CheckTimeZone(string value) =>
        PersonTimeZone.IsKnown(value) && value.Contains('/') || value == "UTC" ? null
        : $"'{value}' is not an IANA time zone such as 'America/New_York'.";

    public static string? CheckPhone(string value) =>
        PhonePattern().IsMatch(value) ? null : "The phone number may hold digits, spaces and + ( ) . / -, such as '+1 407 555 0100'.";

    public static string? CheckEmail(string value) =>
        value.Length <= MaxText && EmailPattern().IsMatch(value) ? null : "The e-mail address is not valid.";

    public static string? CheckSpecialty(string value) =>
        SpecialtySet.Contains(value) ? null : $"'{value}' is not a specialty code; the codes are: {string.Join(", ", Specialties.Codes)}.";

    public static string? CheckLanguage(string value) =>
        IsoCodes.Languages.Contains(value) ? null : $"'{value}' is not an ISO 639-1 language code such as 'en' or 'ru'.";

    public static string? CheckStatus(string value) =>
        ClinicStatuses.All.Contains(value) ? null : $"'{value}' is not one of: {string.Join(", ", ClinicStatuses.All)}.";

    public static string? CheckInsurer(string value) =>
        value.Length <= MaxCode && CodePattern().IsMatch(value) ? null : $"'{value}' is not a tenant id.";

    public static string? CheckServiceCode(string value) =>
        value.Length <= MaxServiceCode && ServiceCodePattern().IsMatch(value) ? null
        : $"'{value}' is not a service code: lower-case words and digits joined by '-', such as 'consultation' or 'x-ray-chest'.";

    public static string? CheckCurrency(string value) =>
        IsoCodes.Currencies.Contains(value) ? null : $"'{value}' is not an ISO 4217 currency code such as 'EUR' or 'USD'.";

    public static string? CheckPrice(decimal value) =>
        value < 0 ? "The price must not be negative." : value >= MaxPrice ? "The price is too large." : null;

    public static string? CheckPeriod(DateOnly? from, DateOnly? to) =>
        from is { } f && to is { } t && t < f ? $"The end date {t:yyyy-MM-dd} is before the start date {f:yyyy-MM-dd}." : null;

    public static string? CheckDay(int day) => day is >= 1 and <= 7 ? null : "The day must be 1 (Monday) to 7 (Sunday).";

    /// <summary>A time of day written HH:mm (00:00 to 23:59).</summary>
    public static bool TryClock(string? value, out TimeOnly time)
    {
        time = default;
        return value is not null && ClockPattern().IsMatch(value.Trim())
            && TimeOnly.TryParseExact(value.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    public const string ClockRule = "Write the time as HH:mm, such as 08:00 or 20:30.";

    /// <summary>The zone of a clinic given none: the country's (its capital's when it has several), else UTC.</summary>
    public static string DefaultTimeZone(string country) => PersonTimeZone.Resolve(null, null, country).Id;

    public static string Upper(string value) => value.Trim().ToUpperInvariant();

    public static string Lower(string value) => value.Trim().ToLowerInvariant();
}
