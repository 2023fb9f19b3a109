using System.Globalization;
using Platform.OmsRepresentatives.Campaigns;

namespace Platform.OmsRepresentatives.Sms;

/// <summary>
/// The reminder SMS of the preventive-care campaigns, in Russian, one text per kind (<see cref="PreventiveKinds"/>):
/// the person by first name and patronymic when the register's full name has them, the year, the clinic to book with,
/// and the SMO's name and telephone. A Cyrillic text is sent in UCS-2, 70 characters in one SMS or 67 per part, and a
/// reminder may take at most two parts (<see cref="MaxLength"/>): a text that would be longer leaves out the name,
/// then the clinic.
/// </summary>
public static class ReminderTexts
{
    /// <summary>Two UCS-2 parts of 67 characters.</summary>
    public const int MaxLength = 2 * 67;

    private static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    private static string Body(string kind, int year) => kind switch
    {
        PreventiveKinds.Checkup => $"пройдите в {year} г. бесплатный профосмотр",
        PreventiveKinds.Dispanserization => $"пройдите в {year} г. бесплатную диспансеризацию",
        PreventiveKinds.InDepth => $"пройдите в {year} г. бесплатную углублённую диспансеризацию",
        PreventiveKinds.Dispensary => $"пройдите в {year} г. диспансерный осмотр у врача",
        _ => throw new ArgumentException($"'{kind}' is not a preventive measure.", nameof(kind)),
    };

    /// <summary>The reminder of <paramref name="kind"/> for the person named <paramref name="fullName"/> (surname, name, patronymic).</summary>
    public static string For(string kind, string? fullName, int year, string? clinicCode, string smoName, string smoPhone)
    {
        var address = Address(fullName);
        var clinic = string.IsNullOrWhiteSpace(clinicCode) ? null : clinicCode.Trim();
        string Compose(string? name, string? code)
        {
            var body = Body(kind, year);
            var start = name is null ? char.ToUpper(body[0], Russian) + body[1..] : $"{name}, {body}";
            return start + (code is null ? "." : $" в поликлинике {code}.") + $" {smoName.Trim()}, {smoPhone.Trim()}";
        }
        foreach (var (name, code) in new[] { (address, clinic), (null, clinic), (null, null) })
            if (Compose(name, code) is var text && text.Length <= MaxLength) return text;
        return Compose(null, null); // the SMO's profile is checked when set so that this one fits
    }

    /// <summary>
    /// How the person is addressed: first name and patronymic ("Иван Петрович") when the full name, written surname
    /// first as in the register, has both; otherwise null (the text then addresses no one by name).
    /// </summary>
    public static string? Address(string? fullName)
    {
        var parts = (fullName ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length < 3) return null;
        // Everything after the first name is the patronymic ("Али оглы", "Ахмед кызы").
        var name = string.Join(' ', parts[1..]);
        // A register in capitals (ИВАНОВ ИВАН ИВАНОВИЧ) or in lower case is written as names are.
        return name == name.ToUpper(Russian) || name == name.ToLower(Russian)
            ? Russian.TextInfo.ToTitleCase(name.ToLower(Russian)).Replace(" Оглы", " оглы").Replace(" Кызы", " кызы")
            : name;
    }

    /// <summary>The longest of the shortest reminders (no name, no clinic) of every kind: it must fit <see cref="MaxLength"/> (checked when the SMO's profile is set).</summary>
    internal static int Longest(string smoName, string smoPhone) =>
        PreventiveKinds.All.Max(kind => For(kind, null, 2000, null, smoName, smoPhone).Length);
}
