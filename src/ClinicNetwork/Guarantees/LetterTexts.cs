using System.Globalization;
using Platform.Contracts;

namespace Platform.ClinicNetwork.Guarantees;

/// <summary>Every text of a letter, its e-mail and its acknowledgement page, in English and Russian (the clinic's language).</summary>
public sealed record LetterTexts(
    string Title, string Intro, string Number, string Patient, string DateOfBirth, string Policy, string Case, string Clinic,
    string Guaranteed, string Benefit, string Amount, string Period, string RoomType, string NotGuaranteed, string CoPayment,
    string Deductible, string Excluded, string None, string Conditions, string Contact, string Verify, string Status,
    string StatusIssued, string StatusRevoked, string StatusExpired, string RevokedBanner, string MailIssued, string MailAmended,
    string MailRevoked, string MailBody, string Accept, string Refuse, string Reason, string ReasonRequired, string Recorded,
    string AlreadyAnswered, string NotInForce, string InvalidLink, string Answer, string NotGiven)
{
    public static readonly LetterTexts English = new(
        Title: "Guarantee of payment",
        Intro: "We guarantee payment, directly to your clinic, for the medical care described below of the patient named, within the amount and period stated. Please do not ask the patient to pay for it.",
        Number: "GOP number", Patient: "Patient", DateOfBirth: "Date of birth", Policy: "Policy number", Case: "Case number", Clinic: "Clinic",
        Guaranteed: "What is guaranteed", Benefit: "Benefit", Amount: "Amount", Period: "Period", RoomType: "Room type",
        NotGuaranteed: "What is not guaranteed (paid by the patient)", CoPayment: "Co-payment", Deductible: "Deductible",
        Excluded: "Excluded services", None: "none",
        Conditions: "Send the itemised invoice with the medical report, quoting the GOP number, to the assistance company. Costs above the amount guaranteed must be agreed with us in advance.",
        Contact: "Assistance 24/7", Verify: "Verify this letter and accept or refuse it", Status: "Status",
        StatusIssued: "in force", StatusRevoked: "revoked", StatusExpired: "expired",
        RevokedBanner: "THIS GUARANTEE IS NO LONGER IN FORCE",
        MailIssued: "Guarantee of payment {number} for {patient} (case {case})",
        MailAmended: "Guarantee of payment {number} amended: {amount} (case {case})",
        MailRevoked: "Guarantee of payment {number} revoked (case {case})",
        MailBody: "Dear colleagues,\n\nplease find attached guarantee of payment {number} for {patient}, born {dob}: {benefit}, up to {amount}, from {from} to {to}. Its status: {status}.\n\nPlease confirm that you accept it, or tell us why you cannot, at this link:\n{link}\n\n{assistance}, 24/7: {phone}\nThis is an automatic message; for any question please call us and give the case number {case}.",
        Accept: "Accept the guarantee", Refuse: "Refuse the guarantee", Reason: "Reason (required to refuse)",
        ReasonRequired: "Please give the reason for refusing.", Recorded: "Thank you: your answer has been recorded.",
        AlreadyAnswered: "Your answer so far", NotInForce: "This guarantee is not in force any more: no answer is needed.",
        InvalidLink: "This link is not valid or has expired. Please call the assistance company.", Answer: "Your answer", NotGiven: "not given yet");

    public static readonly LetterTexts Russian = new(
        Title: "Гарантийное письмо",
        Intro: "Мы гарантируем оплату напрямую вашей клинике медицинской помощи, указанной ниже, названному пациенту в пределах указанной суммы и срока. Пожалуйста, не требуйте с пациента оплату этой помощи.",
        Number: "Номер гарантийного письма", Patient: "Пациент", DateOfBirth: "Дата рождения", Policy: "Номер полиса", Case: "Номер случая",
        Clinic: "Клиника", Guaranteed: "Что гарантировано", Benefit: "Риск", Amount: "Сумма", Period: "Срок", RoomType: "Палата",
        NotGuaranteed: "Что не гарантировано (оплачивает пациент)", CoPayment: "Доплата пациента", Deductible: "Франшиза",
        Excluded: "Исключённые услуги", None: "нет",
        Conditions: "Направьте детализированный счёт с медицинским заключением, указав номер гарантийного письма, в ассистанс. Расходы сверх гарантированной суммы согласовываются с нами заранее.",
        Contact: "Ассистанс, круглосуточно", Verify: "Проверить письмо, принять или отклонить его", Status: "Статус",
        StatusIssued: "действует", StatusRevoked: "отозвано", StatusExpired: "срок истёк",
        RevokedBanner: "ГАРАНТИЯ БОЛЬШЕ НЕ ДЕЙСТВУЕТ",
        MailIssued: "Гарантийное письмо {number}: {patient} (случай {case})",
        MailAmended: "Гарантийное письмо {number} изменено: {amount} (случай {case})",
        MailRevoked: "Гарантийное письмо {number} отозвано (случай {case})",
        MailBody: "Уважаемые коллеги,\n\nво вложении гарантийное письмо {number} на пациента {patient}, дата рождения {dob}: {benefit}, до {amount}, с {from} по {to}. Статус: {status}.\n\nПожалуйста, подтвердите, что принимаете его, или сообщите, почему не можете, по ссылке:\n{link}\n\n{assistance}, круглосуточно: {phone}\nЭто автоматическое сообщение; по любому вопросу позвоните нам и назовите номер случая {case}.",
        Accept: "Принять гарантию", Refuse: "Отклонить гарантию", Reason: "Причина (обязательна при отказе)",
        ReasonRequired: "Пожалуйста, укажите причину отказа.", Recorded: "Спасибо: ваш ответ записан.",
        AlreadyAnswered: "Ваш ответ", NotInForce: "Эта гарантия больше не действует: ответ не нужен.",
        InvalidLink: "Ссылка недействительна или устарела. Пожалуйста, позвоните в ассистанс.", Answer: "Ваш ответ", NotGiven: "ещё не дан");

    public bool IsRussian => ReferenceEquals(this, Russian);

    public CultureInfo Culture => IsRussian ? CultureInfo.GetCultureInfo("ru-RU") : CultureInfo.InvariantCulture;

    public static LetterTexts For(string language) => PersonLanguage.Of(language) == PersonLanguage.Russian ? Russian : English;

    public string Money(decimal amount, string currency) => amount.ToString("N2", Culture) + " " + currency;

    public string Date(DateOnly date) => date.ToString(IsRussian ? "dd.MM.yyyy" : "d MMM yyyy", Culture);

    public string StatusOf(string status) => status switch
    {
        LetterStatuses.Revoked => StatusRevoked,
        LetterStatuses.Expired => StatusExpired,
        _ => StatusIssued,
    };

    public string DecisionOf(string decision) => (decision, IsRussian) switch
    {
        (AcknowledgementDecisions.Accepted, false) => "accepted",
        (AcknowledgementDecisions.Accepted, true) => "принято",
        (_, false) => "refused",
        (_, true) => "отклонено",
    };

    public string BenefitOf(string benefit) => PlanTexts.Benefit(benefit, IsRussian ? PersonLanguage.Russian : PersonLanguage.English);

    /// <summary>The language the letter is written in for a clinic with these languages (ISO 639-1, the first is its main one).</summary>
    public static string LanguageOf(IReadOnlyList<string> clinicLanguages) =>
        clinicLanguages.Count > 0 && PersonLanguage.Of(clinicLanguages[0]) == PersonLanguage.Russian ? PersonLanguage.Russian : PersonLanguage.English;
}
