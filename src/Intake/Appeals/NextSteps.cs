using System.Globalization;
using Platform.Contracts;
using Platform.Intake.Policies;

namespace Platform.Intake.Appeals;

/// <summary>One thing the caller should know or do; <c>Code</c> is stable for clients, <c>Text</c> is in the caller's language.</summary>
public sealed record NextStep(string Code, string Text);

/// <summary>The settlement plan of an open case as Cases last reported it.</summary>
public sealed record CasePlanState(string Kind, int CurrentStep, int StepCount, string? CurrentStepTitle, string? CurrentStepOwner);

/// <summary>The insured's open case, when there is one: a later appeal joins it.</summary>
public sealed record OpenCase(Guid Id, string Number, CasePlanState? Plan);

/// <summary>What the next steps are built from: the caller, the appeal, the coverage check and, for a later appeal, the case.</summary>
public sealed record NextStepsContext(
    string? Language,
    PersonTimeZone TimeZone,
    string Country,
    TriageDecision Triage,
    DateTimeOffset CallbackDue,
    string? CallbackPhone,
    string CoverageStatus,
    CoverageReason? CoverageReason,
    PolicySummary? Policy,
    string Description,
    OpenCase? Case,
    DateTimeOffset Now);

/// <summary>
/// What the caller is told at the end of every contact: when we call back (in their time zone, named), every document
/// the case will need, what the country of treatment demands (in the USA: the ROMIF and the itemised bill, and no
/// paying bills directly), and what happens next. A later appeal about an open case is answered from the case as it
/// is: its plan's current step rather than "we will tell you the plan", and, for a benefit the caller asks about
/// (rehabilitation, repatriation, dental), what the policy covers and excludes.
/// Russian and English; any other language falls back to English.
/// </summary>
public static class NextSteps
{
    /// <summary>Steps a country adds to every appeal there.</summary>
    private static readonly Dictionary<string, string[]> CountryRules = new(StringComparer.Ordinal)
    {
        ["US"] = ["romif", "itemised-bill", "no-direct-payment"],
    };

    /// <summary>Every text the caller may be told, per language; placeholders in braces are filled in by <see cref="For"/>.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Texts = new Dictionary<string, IReadOnlyDictionary<string, string>>
    {
        [PersonLanguage.English] = new Dictionary<string, string>
        {
            ["emergency-services"] = "If life is in danger, call the local emergency number ({emergency}) now; we are organising help at the same time.",
            ["callback"] = "A coordinator will call you back by {due}{phone}. Keep your phone available.",
            ["callback-attached"] = "This call was added to case {case}. A coordinator who knows the case will call you back by {due}{phone}.",
            ["phone"] = " at {phone}",
            ["send-documents"] = "Send us these documents: {documents}.",
            ["document"] = "{document} ({why})",
            ["medical-report"] = "Ask the attending doctor for a short report: diagnosis, procedures done, expected length of stay.",
            ["coverage-covered"] = "The policy covers this event; we arrange payment with the clinic directly through a guarantee letter.",
            ["coverage-review"] = "The insurer is checking the cover for this event; we will tell you the outcome when we call back.",
            ["coverage-not-covered"] = "The policy does not seem to cover this event ({reason}). We still help you; the insurer decides on payment and we will tell you when we call back.",
            ["reason-not-valid-on-date"] = "the event is outside the policy's period",
            ["reason-territory-not-covered"] = "the country is outside the policy's territory",
            ["reason-risk-excluded"] = "the policy excludes this kind of event",
            ["reason-risk-not-covered"] = "the policy does not list this kind of event",
            ["reason-other"] = "the policy could not be confirmed",
            ["keep-receipts"] = "Do not pay the clinic unless we ask you to. If you already paid, keep every receipt and bill.",
            ["settlement"] = "What happens next: we contact the clinic, agree the treatment and its payment, and tell you the plan (outpatient care, hospital stay or transport home).",
            ["plan"] = "The plan for case {case}: {kind}. Now: {step} ({owner}).",
            ["plan-complete"] = "Every step of the plan for case {case} ({kind}) is done; the coordinator will tell you what remains when they call.",
            ["cover-limit"] = "You asked about {benefit}: the policy covers it up to {amount} {currency}.",
            ["cover-excluded"] = "You asked about {benefit}: the policy excludes it, so its costs are not covered.",
            ["cover-none"] = "You asked about {benefit}: the policy has no cover for it, so its costs are not covered.",
            ["romif"] = "USA: the insured (or their legal representative) must sign the ROMIF, the authorisation to release medical information; US clinics share no records without it. We will send you the form.",
            ["itemised-bill"] = "USA: clinics send a summary bill first; we need the itemised bill (every service with its code and price) before anything can be paid.",
            ["no-direct-payment"] = "USA: clinics often bill the patient directly. Forward every bill to us and do not pay it yourself.",
        },
        [PersonLanguage.Russian] = new Dictionary<string, string>
        {
            ["emergency-services"] = "Если есть угроза жизни, сразу звоните в местную службу экстренной помощи ({emergency}); мы параллельно организуем помощь.",
            ["callback"] = "Координатор перезвонит вам до {due}{phone}. Пожалуйста, будьте на связи.",
            ["callback-attached"] = "Обращение добавлено к случаю {case}. Координатор, который ведёт случай, перезвонит вам до {due}{phone}.",
            ["phone"] = " по номеру {phone}",
            ["send-documents"] = "Пришлите нам эти документы: {documents}.",
            ["document"] = "{document} ({why})",
            ["medical-report"] = "Попросите лечащего врача о кратком заключении: диагноз, проведённые процедуры, ожидаемая длительность лечения.",
            ["coverage-covered"] = "Полис покрывает этот случай; оплату с клиникой мы согласуем напрямую гарантийным письмом.",
            ["coverage-review"] = "Страховщик проверяет покрытие по этому случаю; результат сообщим при обратном звонке.",
            ["coverage-not-covered"] = "Похоже, полис не покрывает этот случай ({reason}). Мы всё равно помогаем; решение об оплате принимает страховщик, мы сообщим его при обратном звонке.",
            ["reason-not-valid-on-date"] = "событие вне срока действия полиса",
            ["reason-territory-not-covered"] = "страна не входит в территорию действия полиса",
            ["reason-risk-excluded"] = "полис исключает такие события",
            ["reason-risk-not-covered"] = "такие события не указаны в полисе",
            ["reason-other"] = "полис не удалось подтвердить",
            ["keep-receipts"] = "Не оплачивайте счета клиники, пока мы не попросим. Если уже заплатили, сохраните все чеки и счета.",
            ["settlement"] = "Что дальше: мы связываемся с клиникой, согласуем лечение и его оплату и сообщаем вам план (амбулаторное лечение, госпитализация или транспортировка домой).",
            ["plan"] = "План по случаю {case}: {kind}. Сейчас: {step} ({owner}).",
            ["plan-complete"] = "Все шаги плана по случаю {case} ({kind}) выполнены; координатор расскажет, что осталось, когда позвонит.",
            ["cover-limit"] = "По вашему вопросу ({benefit}): полис покрывает это до {amount} {currency}.",
            ["cover-excluded"] = "По вашему вопросу ({benefit}): полис это исключает, расходы не покрываются.",
            ["cover-none"] = "По вашему вопросу ({benefit}): полис этого не покрывает, расходы не покрываются.",
            ["romif"] = "США: застрахованный (или его законный представитель) должен подписать ROMIF — разрешение на передачу медицинской информации; без него клиники США не передают документы. Мы пришлём форму.",
            ["itemised-bill"] = "США: клиники сначала присылают сводный счёт; для оплаты нужен детализированный счёт с кодом и ценой каждой услуги.",
            ["no-direct-payment"] = "США: клиники часто выставляют счёт пациенту напрямую. Пересылайте нам каждый счёт и не оплачивайте его сами.",
        },
    };

    private static readonly Dictionary<string, string> EmergencyNumbers = new() { ["US"] = "911", ["CA"] = "911", ["MX"] = "911" };

    public static string LanguageOf(string? requested) => PersonLanguage.Of(requested);

    public static IReadOnlyList<NextStep> For(NextStepsContext c)
    {
        var language = LanguageOf(c.Language);
        var texts = Texts[language];
        string T(string code, params (string Name, string? Value)[] args) => PersonLanguage.Fill(texts[code], args);

        var steps = new List<NextStep>();
        void Add(string code, params (string, string?)[] args) => steps.Add(new NextStep(code, T(code, args)));

        if (c.Triage.Level == TriageLevels.Emergency) Add("emergency-services", ("emergency", EmergencyNumbers.GetValueOrDefault(c.Country, "112")));
        var due = PersonTime.Format(c.CallbackDue, c.TimeZone, language, c.Now);
        var phone = c.CallbackPhone is null ? "" : T("phone", ("phone", c.CallbackPhone));
        if (c.Case is null)
        {
            Add("callback", ("due", due), ("phone", phone));
            // Every document the case will need from the start, policy included; the same checklist Cases keeps.
            var documents = DocumentChecklistRules.For(CaseProfile.New(c.Country))
                .Select(r => T("document", ("document", DocumentTypes.Of(r.Type).Label(language)), ("why", r.Why(language))));
            Add("send-documents", ("documents", string.Join("; ", documents)));
            Add("medical-report");
        }
        else
            Add("callback-attached", ("case", c.Case.Number), ("due", due), ("phone", phone));

        Add(c.CoverageStatus switch
        {
            "covered" => "coverage-covered",
            "not-covered" => "coverage-not-covered",
            _ => "coverage-review",
        }, ("reason", T(c.CoverageReason?.Code switch
        {
            CoverageReasons.NotValidOnDate => "reason-not-valid-on-date",
            CoverageReasons.TerritoryNotCovered => "reason-territory-not-covered",
            CoverageReasons.RiskExcluded => "reason-risk-excluded",
            CoverageReasons.RiskNotCovered => "reason-risk-not-covered",
            _ => "reason-other",
        })));
        if (c.Policy is { } policy)
            foreach (var benefit in PlanTexts.AskedAbout(c.Description))
            {
                var name = PlanTexts.Benefit(benefit, language);
                if (policy.ExcludedRisks.Contains(benefit)) steps.Add(new NextStep($"cover-{benefit}", T("cover-excluded", ("benefit", name))));
                else if (policy.Limits.FirstOrDefault(l => l.Benefit == benefit) is { } limit)
                    steps.Add(new NextStep($"cover-{benefit}", T("cover-limit", ("benefit", name),
                        ("amount", limit.Amount.ToString("N0", language == PersonLanguage.Russian ? CultureInfo.GetCultureInfo("ru-RU") : CultureInfo.InvariantCulture)),
                        ("currency", limit.Currency))));
                else steps.Add(new NextStep($"cover-{benefit}", T("cover-none", ("benefit", name))));
            }
        Add("keep-receipts");
        foreach (var code in CountryRules.GetValueOrDefault(c.Country, [])) Add(code);

        if (c.Case?.Plan is { } plan)
        {
            var kind = PlanTexts.Kind(plan.Kind, language);
            steps.Add(plan.CurrentStepTitle is { } title
                ? new NextStep("plan", T("plan", ("case", c.Case.Number), ("kind", kind), ("step", PlanTexts.Step(title, language)),
                    ("owner", PlanTexts.Owner(plan.CurrentStepOwner ?? "assistance", language))))
                : new NextStep("plan", T("plan-complete", ("case", c.Case.Number), ("kind", kind))));
        }
        else Add("settlement");
        return steps;
    }
}
