using Platform.Contracts;

namespace Platform.Repatriation.Medif;

/// <summary>
/// What the caller (the patient or their family) is told about the MEDIF, in their language (Russian, or English for
/// any other): what it is, why the airline needs it, who fills which part, the carrier's deadline in the caller's time
/// zone, and what is asked of them.
/// </summary>
public static class MedifTexts
{
    /// <param name="language">The caller's language (ru; anything else gets English).</param>
    /// <param name="timeZoneId">The caller's IANA time zone (Europe/Moscow); unknown or empty: UTC.</param>
    /// <param name="now">The current instant: the deadline's date is left out when it is the caller's today.</param>
    public static string ForCaller(string language, MedifRequest request, string? timeZoneId, DateTimeOffset now)
    {
        var russian = PersonLanguage.Of(language) == PersonLanguage.Russian;
        var zone = PersonTimeZone.IsKnown(timeZoneId) ? new PersonTimeZone(timeZoneId!.Trim(), PersonTimeZone.Explicit) : PersonTimeZone.Utc;
        var due = MedifDeadlines.Due(request);
        var values = new (string, string?)[]
        {
            ("carrier", request.CarrierName), ("assistance", request.AssistanceCompany), ("phone", request.AssistancePhone),
            ("due", PersonTime.Format(due, zone, language, now)), ("needs", Needs(request, russian)),
        };
        var paragraphs = (russian ? Russian : English).ToList();
        if (due <= now) paragraphs[3] = russian ? RussianLate : EnglishLate;
        return string.Join("\n\n", paragraphs.Select(p => PersonLanguage.Fill(p, values)));
    }

    // What the airline prepares for this passenger, or the usual examples when the plan needs none of them.
    private static string Needs(MedifRequest request, bool russian)
    {
        var needs = new List<string>();
        if (request.StretcherNeeded) needs.Add(russian ? "носилки на борту" : "a stretcher on board");
        if (request.OxygenLitresPerMinute is > 0) needs.Add(russian ? "кислород в полёте" : "oxygen in flight");
        if (request.Wheelchair != WheelchairCodes.None) needs.Add(russian ? "кресло-каталку в аэропорту" : "a wheelchair at the airport");
        if (needs.Count == 0) return russian ? "например, кресло-каталку или кислород, если они нужны" : "such as a wheelchair or oxygen, if needed";
        var and = russian ? " и " : " and ";
        return needs.Count == 1 ? needs[0] : string.Join(", ", needs.Take(needs.Count - 1)) + and + needs[^1];
    }

    private static readonly string[] Russian =
    [
        "MEDIF (Medical Information Form) — медицинская анкета пассажира по образцу IATA, которую авиакомпании запрашивают, когда человек летит после болезни или травмы.",
        "Авиакомпания {carrier} по ней проверяет, что перелёт безопасен для пациента и других пассажиров, и заранее готовит то, что нужно: {needs}. Без одобренной анкеты авиакомпания может не принять пациента на борт.",
        "Первую часть (пассажир, рейсы, носилки, сопровождение, кресло-каталка, скорая помощь в аэропортах) заполняет {assistance}. Вторую часть заполняет лечащий врач: диагноз, может ли пациент лететь, нужны ли кислород и сопровождение.",
        "Авиакомпания должна получить анкету до {due}. Её отправим мы.",
        "От вас обычно ничего не нужно: держите паспорт пациента под рукой и сразу сообщите нам, если планы или самочувствие пациента изменятся. {assistance}, круглосуточно: {phone}.",
    ];

    private const string RussianLate =
        "Обычный срок авиакомпании, до {due}, уже прошёл: мы просим её принять анкету позже и сообщим, если это изменит рейс.";

    private static readonly string[] English =
    [
        "The MEDIF (Medical Information Form) is the airline's medical form, on the IATA model, that airlines ask for when someone flies after an illness or injury.",
        "{carrier} uses it to check that flying is safe for the patient and for the other passengers, and to prepare what is needed in advance: {needs}. Without an approved form the airline may not accept the patient on board.",
        "{assistance} fills in part 1 (the passenger, the flights, stretcher, escort, wheelchair, ambulances at the airports). The attending doctor fills in part 2: the diagnosis, whether the patient is fit to fly, whether oxygen or an escort is needed.",
        "The airline must have the form by {due}. We send it.",
        "Usually you need to do nothing: keep the patient's passport at hand and tell us at once if the plans or the patient's condition change. {assistance}, 24/7: {phone}.",
    ];

    private const string EnglishLate =
        "The airline's usual deadline, {due}, has passed: we are asking it to accept the form later and will tell you if that changes the flight.";
}
