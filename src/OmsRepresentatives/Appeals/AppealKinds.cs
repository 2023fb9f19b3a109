namespace Platform.OmsRepresentatives.Appeals;

/// <summary>
/// What an appeal is about, which decides the tier that works it: tier 1 answers typical questions, tier 2 protects
/// rights and intervenes with the medical organisation, tier 3 (doctor-experts) handles the quality of care and
/// dispensary follow-up. A complaint is decided justified or not when it is answered.
/// </summary>
public sealed record AppealKind(string Code, int Tier, bool Complaint, string NameRu);

public static class AppealKinds
{
    public static readonly IReadOnlyList<AppealKind> All =
    [
        new("policy", 1, false, "Получение или замена полиса ОМС"),
        new("clinic-choice", 1, false, "Выбор или смена медицинской организации"),
        new("out-of-region", 1, false, "Медицинская помощь вне региона страхования"),
        new("programme", 1, false, "Что входит в программу ОМС"),
        new("preventive-care", 1, false, "Профилактический осмотр и диспансеризация"),
        new("other-question", 1, false, "Другой вопрос"),
        new("refused-care", 2, true, "Отказ в бесплатной медицинской помощи"),
        new("paid-services", 2, true, "Навязывание платных услуг при оказании помощи по ОМС"),
        new("waiting-time", 2, true, "Превышение сроков ожидания медицинской помощи"),
        new("hospitalisation", 2, true, "Проблемы с госпитализацией"),
        new("attachment-refused", 2, true, "Отказ в прикреплении к медицинской организации"),
        new("care-quality", 3, true, "Качество оказанной медицинской помощи"),
        new("dispensary", 3, false, "Диспансерное наблюдение"),
        new("medical-advice", 3, false, "Разъяснение рекомендаций врача"),
    ];

    public static readonly IReadOnlyList<string> Codes = [.. All.Select(k => k.Code)];

    public static AppealKind? Find(string? code) => All.FirstOrDefault(k => k.Code == code);
}

/// <summary>The channels an appeal arrives by; a letter, an e-mail and the portal are written appeals, on the law's clock (59-FZ).</summary>
public static class AppealChannels
{
    public const string Phone = "phone", Chat = "chat", Letter = "letter", Email = "email", Portal = "portal";

    public static readonly IReadOnlyList<string> All = [Phone, Chat, Letter, Email, Portal];

    public static bool IsWritten(string channel) => channel is Letter or Email or Portal;

    public static string NameRu(string channel) => channel switch
    {
        Phone => "телефон", Chat => "чат", Letter => "письмо", Email => "электронная почта", Portal => "портал", _ => channel,
    };
}

/// <summary>How an appeal was answered.</summary>
public static class AppealOutcomes
{
    public const string Resolved = "resolved", PartiallyResolved = "partially-resolved", NotResolved = "not-resolved",
        Explained = "explained", Redirected = "redirected";

    public static readonly IReadOnlyList<string> All = [Resolved, PartiallyResolved, NotResolved, Explained, Redirected];

    /// <summary>Outcomes that settle the citizen's matter: an answer with one of these at the first contact is first-contact resolution.</summary>
    public static bool Settles(string outcome) => outcome is Resolved or Explained;

    public static string NameRu(string? outcome) => outcome switch
    {
        Resolved => "вопрос решён", PartiallyResolved => "вопрос решён частично", NotResolved => "вопрос не решён",
        Explained => "даны разъяснения", Redirected => "обращение направлено по принадлежности", _ => "—",
    };
}

/// <summary>Where an intervention with a medical organisation stands.</summary>
public static class InterventionOutcomes
{
    public const string Pending = "pending", Resolved = "resolved", PartiallyResolved = "partially-resolved", Refused = "refused";

    public static readonly IReadOnlyList<string> All = [Pending, Resolved, PartiallyResolved, Refused];

    public static string NameRu(string? outcome) => outcome switch
    {
        Pending => "ожидается исполнение", Resolved => "решено", PartiallyResolved => "решено частично", Refused => "отказ", _ => "—",
    };
}

/// <summary>The kinds of work the law's clock makes (<c>oms_tasks.kind</c>), one per appeal and kind.</summary>
public static class OmsTaskKinds
{
    public const string RegistrationLate = "registration-late", AnswerDueSoon = "answer-due-soon", AnswerOverdue = "answer-overdue",
        ExpertiseOverdue = "expertise-overdue";

    public static readonly IReadOnlyList<string> All = [RegistrationLate, AnswerDueSoon, AnswerOverdue, ExpertiseOverdue];
}

/// <summary>Where an appeal stands against the law's clock (59-FZ); spoken calls and chats are not on it.</summary>
public static class ClockStates
{
    public const string NotApplicable = "not-applicable", OnTime = "on-time", DueSoon = "due-soon", Overdue = "overdue",
        AnsweredOnTime = "answered-on-time", AnsweredLate = "answered-late";

    public static readonly IReadOnlyList<string> All = [NotApplicable, OnTime, DueSoon, Overdue, AnsweredOnTime, AnsweredLate];
}

/// <summary>What the history of an appeal records (<c>appeal_events.kind</c>).</summary>
public static class AppealEvents
{
    public const string Registered = "registered", RegistrationLate = "registration-late", KnowledgeAnswer = "knowledge-answer",
        Contact = "contact", Escalated = "escalated", Returned = "de-escalated", Classified = "classified",
        Intervention = "intervention", InterventionUpdated = "intervention-updated", ExpertiseOrdered = "expertise-ordered",
        ExpertiseConcluded = "expertise-concluded", Extended = "extended", Answered = "answered", DeadlineBreached = "deadline-breached";
}
