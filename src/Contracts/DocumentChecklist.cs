namespace Platform.Contracts;

// The document checklist is shared: Cases keeps each case's checklist state, and Intake names every item a new appeal
// owes in its first answer. One definition, so the two never disagree about what a person must send.

/// <summary>A kind of document, with the words a contact reads for it.</summary>
public sealed record DocumentType(string Code, string English, string Russian)
{
    public string Label(string language) => PersonLanguage.Of(language) == PersonLanguage.Russian ? Russian : English;
}

public static class DocumentTypes
{
    public static readonly DocumentType[] All =
    [
        new("passport", "passport", "паспорт"),
        new("policy", "insurance policy", "страховой полис"),
        new("medical-report", "medical report", "медицинское заключение"),
        new("discharge-summary", "discharge summary", "выписной эпикриз"),
        new("itemised-bill", "itemised bill", "детализированный счёт клиники"),
        new("romif", "ROMIF form", "форма ROMIF"),
        new("medif", "MEDIF form", "форма MEDIF"),
        new("invoice", "invoice", "счёт"),
        new("receipt", "receipt", "чек"),
        new("other", "document", "документ"),
    ];

    public static readonly string[] Codes = All.Select(t => t.Code).ToArray();

    public static DocumentType Of(string code) => All.FirstOrDefault(t => t.Code == code) ?? All[^1];
}

/// <summary>What decides which documents a case needs: its type (the status) and country, and whether it went through hospital.</summary>
public sealed record CaseProfile(string Status, string Country, bool WasHospitalised)
{
    /// <summary>A case about to be opened for a new appeal: what Intake asks for in its first answer.</summary>
    public static CaseProfile New(string country) => new("open", country, false);
}

/// <summary>A document the case needs, and why, in the words the contact is told.</summary>
public sealed record DocumentRequirement(string Type, string WhyEnglish, string WhyRussian)
{
    public string Why(string language) => PersonLanguage.Of(language) == PersonLanguage.Russian ? WhyRussian : WhyEnglish;
}

/// <summary>
/// The checklist rules: which documents a case needs by its type and country. Kept as a table in code because each rule
/// comes with the explanation the contact is given (the case study's daughter was never told what to send, nor why).
/// </summary>
public static class DocumentChecklistRules
{
    private sealed record Rule(string Type, Func<CaseProfile, bool> Applies, string WhyEnglish, string WhyRussian);

    private static bool Medical(CaseProfile c) =>
        c.Status is "outpatient" or "hospitalised" or "awaiting-repatriation" || c.WasHospitalised;

    private static readonly Rule[] Rules =
    [
        new("passport", _ => true,
            "to confirm the insured's identity",
            "для подтверждения личности застрахованного"),
        new("policy", _ => true,
            "to confirm the cover the case is settled under",
            "для подтверждения условий страхования"),
        new("medical-report", Medical,
            "the treating doctor's diagnosis and treatment: cover is decided on it",
            "диагноз и лечение от лечащего врача: по нему принимается решение о покрытии"),
        // Needed once the patient leaves hospital: to repatriation, or when the case closes after a stay.
        new("discharge-summary", c => c.Status == "awaiting-repatriation" || (c.Status == "closed" && c.WasHospitalised),
            "what was done in hospital and the doctor's recommendations after discharge",
            "что было сделано в больнице и рекомендации врача после выписки"),
        new("romif", c => c.Country == "US",
            "US clinics release medical information only with this signed authorisation (HIPAA)",
            "клиники США передают медицинскую информацию только по этому подписанному разрешению (HIPAA)"),
        new("itemised-bill", c => c.Country == "US",
            "US clinics bill line by line: each line is checked against the guarantee letter and the policy",
            "клиники США выставляют счёт по позициям: каждая позиция проверяется по гарантийному письму и полису"),
        new("medif", c => c.Status == "awaiting-repatriation",
            "the airline's medical form (IATA MEDIF): the treating doctor confirms the patient is fit to fly",
            "медицинская форма авиакомпании (IATA MEDIF): лечащий врач подтверждает, что пациенту можно лететь"),
    ];

    public static IReadOnlyList<DocumentRequirement> For(CaseProfile profile) =>
        Rules.Where(r => r.Applies(profile)).Select(r => new DocumentRequirement(r.Type, r.WhyEnglish, r.WhyRussian)).ToArray();
}
