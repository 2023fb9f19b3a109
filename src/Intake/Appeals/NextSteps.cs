using System.Globalization;

namespace Platform.Intake.Appeals;

/// <summary>One thing the caller should know or do; <c>Code</c> is stable for clients, <c>Text</c> is in the caller's language.</summary>
public sealed record NextStep(string Code, string Text);

/// <summary>
/// What the caller is told at the end of every contact: when we call back, what to send or sign, what happens next,
/// plus what the country of treatment demands (in the USA: the ROMIF and the itemised bill, and no paying bills directly).
/// Russian and English; any other language falls back to English.
/// </summary>
public static class NextSteps
{
    public const string Russian = "ru";
    public const string English = "en";

    /// <summary>Steps a country adds to every appeal there.</summary>
    private static readonly Dictionary<string, string[]> CountryRules = new(StringComparer.Ordinal)
    {
        ["US"] = ["romif", "itemised-bill", "no-direct-payment"],
    };

    private static readonly Dictionary<string, Dictionary<string, string>> Texts = new()
    {
        [English] = new()
        {
            ["emergency-services"] = "If life is in danger, call the local emergency number ({4}) now; we are organising help at the same time.",
            ["callback"] = "A coordinator will call you back by {0} (UTC){1}. Keep your phone available.",
            ["callback-attached"] = "This call was added to case {2}. A coordinator who knows the case will call you back by {0} (UTC){1}.",
            ["send-documents"] = "Send us a photo of the insured's passport and the medical documents you already have (the doctor's report, test results).",
            ["medical-report"] = "Ask the attending doctor for a short report: diagnosis, procedures done, expected length of stay.",
            ["coverage-covered"] = "The policy covers this event; we arrange payment with the clinic directly through a guarantee letter.",
            ["coverage-review"] = "The insurer is checking the cover for this event; we will tell you the outcome when we call back.",
            ["coverage-not-covered"] = "The policy does not seem to cover this event ({3}). We still help you; the insurer decides on payment and we will tell you when we call back.",
            ["keep-receipts"] = "Do not pay the clinic unless we ask you to. If you already paid, keep every receipt and bill.",
            ["settlement"] = "What happens next: we contact the clinic, agree the treatment and its payment, and tell you the plan (outpatient care, hospital stay or transport home).",
            ["romif"] = "USA: the insured (or their legal representative) must sign the ROMIF, the authorisation to release medical information; US clinics share no records without it. We will send you the form.",
            ["itemised-bill"] = "USA: clinics send a summary bill first; we need the itemised bill (every service with its code and price) before anything can be paid.",
            ["no-direct-payment"] = "USA: clinics often bill the patient directly. Forward every bill to us and do not pay it yourself.",
        },
        [Russian] = new()
        {
            ["emergency-services"] = "Если есть угроза жизни, сразу звоните в местную службу экстренной помощи ({4}); мы параллельно организуем помощь.",
            ["callback"] = "Координатор перезвонит вам до {0} (UTC){1}. Пожалуйста, будьте на связи.",
            ["callback-attached"] = "Обращение добавлено к случаю {2}. Координатор, который ведёт случай, перезвонит вам до {0} (UTC){1}.",
            ["send-documents"] = "Пришлите фото паспорта застрахованного и имеющиеся медицинские документы (заключение врача, результаты анализов).",
            ["medical-report"] = "Попросите лечащего врача о кратком заключении: диагноз, проведённые процедуры, ожидаемая длительность лечения.",
            ["coverage-covered"] = "Полис покрывает этот случай; оплату с клиникой мы согласуем напрямую гарантийным письмом.",
            ["coverage-review"] = "Страховщик проверяет покрытие по этому случаю; результат сообщим при обратном звонке.",
            ["coverage-not-covered"] = "Похоже, полис не покрывает этот случай ({3}). Мы всё равно помогаем; решение об оплате принимает страховщик, мы сообщим его при обратном звонке.",
            ["keep-receipts"] = "Не оплачивайте счета клиники, пока мы не попросим. Если уже заплатили, сохраните все чеки и счета.",
            ["settlement"] = "Что дальше: мы связываемся с клиникой, согласуем лечение и его оплату и сообщаем вам план (амбулаторное лечение, госпитализация или транспортировка домой).",
            ["romif"] = "США: застрахованный (или его законный представитель) должен подписать ROMIF — разрешение на передачу медицинской информации; без него клиники США не передают документы. Мы пришлём форму.",
            ["itemised-bill"] = "США: клиники сначала присылают сводный счёт; для оплаты нужен детализированный счёт (itemised bill) с кодом и ценой каждой услуги.",
            ["no-direct-payment"] = "США: клиники часто выставляют счёт пациенту напрямую. Пересылайте нам каждый счёт и не оплачивайте его сами.",
        },
    };

    private static readonly Dictionary<string, string> EmergencyNumbers = new() { ["US"] = "911", ["CA"] = "911", ["MX"] = "911" };

    public static string LanguageOf(string? requested) => requested is Russian ? Russian : English;

    public static IReadOnlyList<NextStep> For(
        string? language, string country, TriageDecision triage, DateTimeOffset callbackDue, string? callbackPhone,
        string coverageStatus, string? coverageReason, string? attachedCaseNumber)
    {
        var texts = Texts[LanguageOf(language)];
        var emergencyNumber = EmergencyNumbers.GetValueOrDefault(country, "112");
        var phone = callbackPhone is null ? "" : (LanguageOf(language) == Russian ? $" по номеру {callbackPhone}" : $" at {callbackPhone}");
        var due = callbackDue.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

        var codes = new List<string>();
        if (triage.Level == TriageLevels.Emergency) codes.Add("emergency-services");
        codes.Add(attachedCaseNumber is null ? "callback" : "callback-attached");
        if (attachedCaseNumber is null) codes.AddRange(["send-documents", "medical-report"]);
        codes.Add(coverageStatus switch
        {
            "covered" => "coverage-covered",
            "not-covered" => "coverage-not-covered",
            _ => "coverage-review",
        });
        codes.Add("keep-receipts");
        codes.AddRange(CountryRules.GetValueOrDefault(country, []));
        codes.Add("settlement");

        return codes.Select(code => new NextStep(code,
            string.Format(CultureInfo.InvariantCulture, texts[code], due, phone, attachedCaseNumber, coverageReason, emergencyNumber))).ToList();
    }
}
