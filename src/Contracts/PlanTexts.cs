namespace Platform.Contracts;

/// <summary>A usual step of a settlement plan: who does it, and its title in English and Russian.</summary>
public sealed record PlanStepTemplate(string Owner, string English, string Russian);

/// <summary>
/// The words a person is told about a settlement plan, shared by Cases (briefing) and Intake (the answer to a later
/// appeal): the plan kinds, the owners of steps, the usual steps of each kind, and the benefits of a policy.
/// A step a coordinator wrote themself is told as written.
/// </summary>
public static class PlanTexts
{
    /// <summary>The usual steps of each kind, used when a coordinator does not list their own.</summary>
    public static readonly IReadOnlyDictionary<string, PlanStepTemplate[]> Templates = new Dictionary<string, PlanStepTemplate[]>
    {
        ["outpatient"] =
        [
            new("assistance", "Appointment at a partner clinic", "Запись в клинику-партнёр"),
            new("clinic", "Visit and treatment", "Приём и лечение"),
            new("assistance", "Bills settled directly with the clinic", "Оплата счетов напрямую с клиникой"),
            new("assistance", "Control call after the visit", "Контрольный звонок после приёма"),
        ],
        ["hospitalisation"] =
        [
            new("assistance", "Guarantee letter sent to the hospital", "Гарантийное письмо отправлено в больницу"),
            new("clinic", "Treatment in hospital, daily control calls", "Лечение в больнице, ежедневные контрольные звонки"),
            new("clinic", "Discharge summary received", "Получен выписной эпикриз"),
            new("doctor", "Fitness to fly assessed", "Врач оценивает, можно ли лететь"),
            new("assistance", "Return home arranged", "Организовано возвращение домой"),
        ],
        ["transport"] =
        [
            new("doctor", "Transport need confirmed by the doctor", "Врач подтверждает необходимость транспортировки"),
            new("assistance", "Transport booked", "Транспорт заказан"),
            new("assistance", "Patient transported", "Пациент доставлен"),
        ],
        ["repatriation"] =
        [
            new("doctor", "Fitness to fly and MEDIF form", "Допуск к перелёту и форма MEDIF"),
            new("assistance", "Escort and seats or stretcher booked", "Забронированы сопровождение и места или носилки"),
            new("assistance", "Ground transport at both ends", "Наземный транспорт в обоих аэропортах"),
            new("assistance", "Receiving hospital confirmed", "Принимающая больница подтверждена"),
            new("assistance", "Patient delivered home", "Пациент доставлен домой"),
        ],
    };

    private static readonly Dictionary<string, (string English, string Russian)> Kinds = new()
    {
        ["outpatient"] = ("outpatient care", "амбулаторное лечение"),
        ["hospitalisation"] = ("treatment in hospital", "лечение в больнице"),
        ["transport"] = ("medical transport", "медицинская транспортировка"),
        ["repatriation"] = ("return home (repatriation)", "возвращение домой (репатриация)"),
    };

    private static readonly Dictionary<string, (string English, string Russian)> Owners = new()
    {
        ["assistance"] = ("our team", "наша команда"),
        ["clinic"] = ("the clinic", "клиника"),
        ["insurer"] = ("the insurer", "страховщик"),
        ["family"] = ("the family", "семья"),
        ["doctor"] = ("the doctor", "врач"),
    };

    private static readonly Dictionary<string, (string English, string Russian)> Benefits = new()
    {
        ["medical-expenses"] = ("medical expenses", "медицинские расходы"),
        ["repatriation"] = ("repatriation", "репатриация"),
        ["rehabilitation"] = ("rehabilitation", "реабилитация"),
        ["dental"] = ("dental treatment", "стоматология"),
        ["evacuation"] = ("evacuation", "эвакуация"),
    };

    private static bool Ru(string language) => PersonLanguage.Of(language) == PersonLanguage.Russian;

    public static string Kind(string kind, string language) =>
        Kinds.TryGetValue(kind, out var k) ? Ru(language) ? k.Russian : k.English : kind;

    public static string Owner(string owner, string language) =>
        Owners.TryGetValue(owner, out var o) ? Ru(language) ? o.Russian : o.English : owner;

    public static string Benefit(string benefit, string language) =>
        Benefits.TryGetValue(benefit, out var b) ? Ru(language) ? b.Russian : b.English : benefit;

    /// <summary>A step's title in the person's language when it is a usual step; a coordinator's own title as written.</summary>
    public static string Step(string title, string language)
    {
        foreach (var steps in Templates.Values)
            foreach (var step in steps)
                if (step.English == title || step.Russian == title) return Ru(language) ? step.Russian : step.English;
        return title;
    }

    /// <summary>
    /// The benefits a description asks about, by word stems in Russian and English ("реабилитацию", "rehabilitation",
    /// "вернуть домой", "tooth"): the caller is then told what the policy covers and excludes for each.
    /// </summary>
    public static IReadOnlyList<string> AskedAbout(string description)
    {
        var text = description.ToLowerInvariant();
        var asked = new List<string>();
        foreach (var (benefit, stems) in Topics)
            if (stems.Any(text.Contains)) asked.Add(benefit);
        return asked;
    }

    private static readonly (string Benefit, string[] Stems)[] Topics =
    [
        ("rehabilitation", ["реабилитац", "восстановительн", "rehab"]),
        ("repatriation", ["репатриац", "домой", "перевез", "перелёт", "перелет", "repatriat", "fly home", "back home", "home country"]),
        ("dental", ["зуб", "стоматолог", "dental", "tooth", "teeth", "dentist"]),
    ];
}
