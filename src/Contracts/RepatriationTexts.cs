namespace Platform.Contracts;

/// <summary>
/// The words a caller (the patient or their family) is told about the way home, shared by Cases (briefing) and the
/// repatriation service (the MEDIF): how the patient travels (mode and escort), each leg as who does what and when, and
/// what the MEDIF is, why the airline needs it, who fills it and by when. Times are in the caller's zone
/// (<see cref="PersonTime"/>); any language but Russian gets English.
/// </summary>
public static class RepatriationTexts
{
    /// <summary>Every sentence, per language; placeholders in braces are filled in by the methods below.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Texts = new Dictionary<string, IReadOnlyDictionary<string, string>>
    {
        [PersonLanguage.English] = new Dictionary<string, string>
        {
            ["leg-flight"] = "{when} — flight {flight} {from} → {to}{how}; {arranged}",
            ["leg-ground"] = "{when} — transfer {from} → {to}{how}; {arranged}",
            ["medif-what"] = "The MEDIF (Medical Information Form) is the airline's medical form, on the IATA model, that airlines ask for when someone flies after an illness or injury.",
            ["medif-why"] = "{carrier} uses it to check that flying is safe for the patient and for the other passengers, and to prepare what is needed in advance: {needs}. Without an approved form the airline may not accept the patient on board.",
            ["medif-who"] = "{assistance} fills in part 1 (the passenger, the flights, stretcher, escort, wheelchair, ambulances at the airports). The attending doctor fills in part 2: the diagnosis, whether the patient is fit to fly, whether oxygen or an escort is needed.",
            ["medif-due"] = "The airline must have the form by {due}. We send it.",
            ["medif-due-passed"] = "The airline's usual deadline, {due}, has passed: we are asking it to accept the form later and will tell you if that changes the flight.",
            ["medif-you"] = "Usually you need to do nothing: keep the patient's passport at hand and tell us at once if the plans or the patient's condition change. {assistance}, 24/7: {phone}.",
            ["needs-stretcher"] = "a stretcher on board",
            ["needs-oxygen"] = "oxygen in flight",
            ["needs-wheelchair"] = "a wheelchair at the airport",
            ["needs-usual"] = "such as a wheelchair or oxygen, if needed",
            ["and"] = "and",
        },
        [PersonLanguage.Russian] = new Dictionary<string, string>
        {
            ["leg-flight"] = "{when} — перелёт {flight} {from} → {to}{how}; {arranged}",
            ["leg-ground"] = "{when} — переезд {from} → {to}{how}; {arranged}",
            ["medif-what"] = "MEDIF (Medical Information Form) — медицинская анкета пассажира по образцу IATA, которую авиакомпании запрашивают, когда человек летит после болезни или травмы.",
            ["medif-why"] = "Авиакомпания {carrier} по ней проверяет, что перелёт безопасен для пациента и других пассажиров, и заранее готовит то, что нужно: {needs}. Без одобренной анкеты авиакомпания может не принять пациента на борт.",
            ["medif-who"] = "Первую часть (пассажир, рейсы, носилки, сопровождение, кресло-каталка, скорая помощь в аэропортах) заполняет {assistance}. Вторую часть заполняет лечащий врач: диагноз, может ли пациент лететь, нужны ли кислород и сопровождение.",
            ["medif-due"] = "Авиакомпания должна получить анкету до {due}. Её отправим мы.",
            ["medif-due-passed"] = "Обычный срок авиакомпании, до {due}, уже прошёл: мы просим её принять анкету позже и сообщим, если это изменит рейс.",
            ["medif-you"] = "От вас обычно ничего не нужно: держите паспорт пациента под рукой и сразу сообщите нам, если планы или самочувствие пациента изменятся. {assistance}, круглосуточно: {phone}.",
            ["needs-stretcher"] = "носилки на борту",
            ["needs-oxygen"] = "кислород в полёте",
            ["needs-wheelchair"] = "кресло-каталку в аэропорту",
            ["needs-usual"] = "например, кресло-каталку или кислород, если они нужны",
            ["and"] = "и",
        },
    };

    /// <summary>How the patient travels, by the repatriation service's mode codes, as said of a leg ("on a stretcher").</summary>
    private static readonly Dictionary<string, (string English, string Russian)> Modes = new()
    {
        ["commercial-seated"] = ("in a regular seat", "в обычном кресле"),
        ["commercial-extra-seats"] = ("with extra seats", "на дополнительных местах"),
        ["commercial-business-flat"] = ("lying flat in business class", "лёжа, в бизнес-классе"),
        ["commercial-stretcher"] = ("on a stretcher", "на носилках"),
        ["air-ambulance"] = ("by air ambulance", "санитарным самолётом"),
        ["ground-ambulance"] = ("by ambulance", "на машине скорой помощи"),
    };

    /// <summary>Who goes with the patient; none: nobody, said of no leg.</summary>
    private static readonly Dictionary<string, (string English, string Russian)> Escorts = new()
    {
        ["companion"] = ("with a companion", "с сопровождающим"),
        ["nurse"] = ("with a nurse", "с медсестрой"),
        ["doctor"] = ("with a doctor", "с врачом"),
        ["paramedic"] = ("with a paramedic", "с фельдшером"),
    };

    /// <summary>Who arranges a leg.</summary>
    private static readonly Dictionary<string, (string English, string Russian)> Arrangers = new()
    {
        ["assistance"] = ("arranged by our team", "организует наша команда"),
        ["clinic"] = ("arranged by the clinic", "организует клиника"),
        ["family"] = ("arranged by the family", "организует семья"),
        ["provider"] = ("arranged by the transport company", "организует транспортная компания"),
    };

    private static bool Ru(string language) => PersonLanguage.Of(language) == PersonLanguage.Russian;

    private static string? Of(Dictionary<string, (string English, string Russian)> table, string code, string language) =>
        table.TryGetValue(code, out var t) ? Ru(language) ? t.Russian : t.English : null;

    private static string T(string key, string language, params (string Name, string? Value)[] values) =>
        PersonLanguage.Fill(Texts[PersonLanguage.Of(language)][key], values);

    /// <summary>How the patient travels ("on a stretcher"); a code this table does not know, as it is.</summary>
    public static string Mode(string mode, string language) => Of(Modes, mode, language) ?? mode;

    /// <summary>Who goes with the patient ("with a nurse"); empty for none.</summary>
    public static string Escort(string escort, string language) => Of(Escorts, escort, language) ?? "";

    /// <summary>
    /// A leg as who does what and when: "10:00 5 декабря (Москва, UTC+3) — перелёт TK 414 Стамбул → Москва на носилках,
    /// с медсестрой; организует наша команда". A flight is said with the plan's mode (but for a ground-ambulance plan), a
    /// transfer only when the plan is by ambulance; the escort goes on every leg.
    /// </summary>
    public static string Leg(RepatriationLeg leg, string mode, string escort, string language, PersonTimeZone zone, DateTimeOffset now)
    {
        var flight = leg.Kind == "flight";
        var how = new List<string>();
        if (flight ? mode != "ground-ambulance" : mode == "ground-ambulance")
            if (Of(Modes, mode, language) is { } travels) how.Add(travels);
        if (Of(Escorts, escort, language) is { } with) how.Add(with);
        return T(flight ? "leg-flight" : "leg-ground", language,
            ("when", PersonTime.Format(leg.DepartsAt, zone, language, now)),
            ("flight", FlightName(leg.Carrier, leg.FlightNumber)),
            ("from", leg.From), ("to", leg.To),
            ("how", how.Count == 0 ? "" : " " + string.Join(", ", how)),
            ("arranged", Of(Arrangers, leg.ArrangedBy, language) ?? leg.ArrangedBy));
    }

    // "TK 414" from TK and 414; a number that already carries its carrier ("TK414") as it is.
    private static string FlightName(string? carrier, string? number) =>
        string.IsNullOrWhiteSpace(number) ? carrier ?? ""
        : string.IsNullOrWhiteSpace(carrier) || number.StartsWith(carrier, StringComparison.OrdinalIgnoreCase) ? number
        : $"{carrier} {number}";

    /// <summary>
    /// What the MEDIF is, why <paramref name="carrierName"/> needs it (and what it prepares: a stretcher, oxygen, a
    /// wheelchair, or the usual examples when none), who fills which part, by when the airline must have it (or that this
    /// has passed), and what is asked of the caller, with the assistance company's 24/7 phone: paragraphs separated by a
    /// blank line.
    /// </summary>
    /// <param name="now">The current instant: the deadline's date is left out when it is the caller's today.</param>
    public static string Medif(string carrierName, string assistanceName, string assistancePhone, DateTimeOffset dueAt,
        bool stretcher, bool oxygen, bool wheelchair, string language, PersonTimeZone zone, DateTimeOffset now)
    {
        var values = new (string, string?)[]
        {
            ("carrier", carrierName), ("assistance", assistanceName), ("phone", assistancePhone),
            ("due", PersonTime.Format(dueAt, zone, language, now)), ("needs", Needs(stretcher, oxygen, wheelchair, language)),
        };
        string[] paragraphs = ["medif-what", "medif-why", "medif-who", dueAt <= now ? "medif-due-passed" : "medif-due", "medif-you"];
        return string.Join("\n\n", paragraphs.Select(p => T(p, language, values)));
    }

    // What the airline prepares for this passenger, or the usual examples when the plan needs none of them.
    private static string Needs(bool stretcher, bool oxygen, bool wheelchair, string language)
    {
        var needs = new List<string>();
        if (stretcher) needs.Add(T("needs-stretcher", language));
        if (oxygen) needs.Add(T("needs-oxygen", language));
        if (wheelchair) needs.Add(T("needs-wheelchair", language));
        if (needs.Count == 0) return T("needs-usual", language);
        return needs.Count == 1 ? needs[0] : $"{string.Join(", ", needs.Take(needs.Count - 1))} {T("and", language)} {needs[^1]}";
    }
}
