namespace Platform.Console.Texts;

// The OMS screens: the insurance representatives' appeals by tier, the law's clock and the reminder campaigns of an SMO.
public static partial class T
{
    // The frame.
    public static string OmsAppeals => Pick("OMS appeals", "Обращения застрахованных по ОМС");
    public static string OmsNavAppeals => Pick("Appeals", "Обращения");
    public static string OmsNavClock => Pick("Deadlines", "Контроль сроков");
    public static string OmsNavCampaigns => Pick("Reminder campaigns", "Информирование застрахованных");
    public static string OmsNotRepresentative => Pick(
        "OMS appeals are worked by the SMO's insurance representatives (tiers 1-3) and their supervisor; your roles include none of these.",
        "С обращениями по ОМС работают страховые представители СМО (1–3 уровней) и руководитель контакт-центра; у вас нет этих ролей.");

    // The queue.
    public static string OmsQueueIntro => Pick(
        "Open appeals at your tier first, the earliest deadline first. Written appeals are on the law's clock (59-FZ): answered within 30 days of registration.",
        "Сначала открытые обращения вашего уровня, по ближайшему сроку ответа. Письменные обращения на контроле сроков (59-ФЗ): ответ в течение 30 дней с даты регистрации.");
    public static string OmsQueueIntroSupervisor => Pick(
        "The appeals of every tier, the earliest deadline first. Written appeals are on the law's clock (59-FZ): answered within 30 days of registration.",
        "Обращения всех уровней, по ближайшему сроку ответа. Письменные обращения на контроле сроков (59-ФЗ): ответ в течение 30 дней с даты регистрации.");
    public static string OmsYourTier(string tiers) => Pick($"At your tier ({tiers})", $"Обращения вашего уровня ({tiers})");
    public static string OmsOtherTiersNote => Pick("for reference: they are worked at their own tier", "для сведения: с ними работают на их уровне");
    public static string OmsOtherTiers => Pick("Other tiers", "Обращения других уровней");
    public static string OmsAllTiers => Pick("All tiers", "Все уровни");
    public static string OmsTierName(int tier) => Pick($"tier {tier}", $"{tier} уровень");
    public static string OmsTier => Pick("Tier", "Уровень");
    public static string OmsStatus => Pick("Status", "Статус");
    public static string OmsStatusName(string status) => status switch
    {
        "open" => Pick("open", "на рассмотрении"),
        "answered" => Pick("answered", "дан ответ"),
        _ => status,
    };
    public static string OmsAnyStatus => Pick("any", "любой");
    public static string OmsChannel => Pick("Channel", "Канал");
    public static string OmsAllChannels => Pick("all channels", "все каналы");
    public static string OmsChannelName(string channel) => channel switch
    {
        "phone" => Pick("phone", "телефон"),
        "chat" => Pick("chat", "чат"),
        "letter" => Pick("letter", "письмо"),
        "email" => Pick("e-mail", "электронная почта"),
        "portal" => Pick("portal", "портал"),
        _ => channel,
    };
    public static string OmsOverdueOnly => Pick("Overdue only", "Только просроченные");
    public static string OmsNumber => Pick("Number", "Номер");
    public static string OmsRegistered => Pick("Registered", "Зарегистрировано");
    public static string OmsKind => Pick("Subject", "Тема обращения");
    public static string OmsApplicant => Pick("Applicant", "Заявитель");
    public static string OmsDeadline => Pick("Deadline", "Срок ответа");
    public static string OmsNoAppeals => Pick("No appeals.", "Обращений нет.");
    public static string OmsShown(int shown, long total) => Pick($"{shown} of {total} shown", $"Показано {shown} из {total}");
    public static string OmsComplaint => Pick("complaint", "жалоба");

    public static string OmsKindName(string kind) => kind switch
    {
        "policy" => Pick("Getting or replacing an OMS policy", "Получение или замена полиса ОМС"),
        "clinic-choice" => Pick("Choosing or changing the medical organisation", "Выбор или смена медицинской организации"),
        "out-of-region" => Pick("Care outside the region of insurance", "Медицинская помощь вне региона страхования"),
        "programme" => Pick("What the OMS programme covers", "Что входит в программу ОМС"),
        "preventive-care" => Pick("Preventive medical check-up and dispanserization", "Профилактический медицинский осмотр и диспансеризация"),
        "other-question" => Pick("Another question", "Другой вопрос"),
        "refused-care" => Pick("Free medical care refused", "Отказ в бесплатной медицинской помощи"),
        "paid-services" => Pick("Paid services imposed instead of OMS care", "Навязывание платных услуг при оказании помощи по ОМС"),
        "waiting-time" => Pick("Waiting times exceeded", "Превышение сроков ожидания медицинской помощи"),
        "hospitalisation" => Pick("Problems with hospitalisation", "Проблемы с госпитализацией"),
        "attachment-refused" => Pick("Attachment to a medical organisation refused", "Отказ в прикреплении к медицинской организации"),
        "care-quality" => Pick("Quality of the medical care", "Качество оказанной медицинской помощи"),
        "dispensary" => Pick("Dispensary observation", "Диспансерное наблюдение"),
        "medical-advice" => Pick("Explaining a doctor's recommendations", "Разъяснение рекомендаций врача"),
        _ => kind,
    };

    // The law's clock.
    public static string OmsClockState(string state) => state switch
    {
        "on-time" => Pick("on time", "в срок"),
        "due-soon" => Pick("due soon", "срок истекает"),
        "overdue" => Pick("overdue", "срок нарушен"),
        "answered-on-time" => Pick("answered on time", "ответ дан в срок"),
        "answered-late" => Pick("answered late", "ответ дан с нарушением срока"),
        "not-applicable" => Pick("oral: no term", "устное: без срока"),
        _ => state,
    };
    public static string OmsDaysLeft(int days) => days switch
    {
        > 0 => Pick($"{days} d left", $"осталось {days} дн."),
        0 => Pick("due today", "срок сегодня"),
        _ => Pick($"{-days} d overdue", $"просрочено на {-days} дн."),
    };
    public static string OmsDueBy(string at) => Pick($"due {at}", $"до {at}");
    public static string OmsExtendedTo(string at) => Pick($"extended to {at}", $"продлён до {at}");

    // One appeal.
    public static string OmsAppealTitle(string number) => Pick($"Appeal {number}", $"Обращение {number}");
    public static string OmsBack => Pick("Back to the appeals", "К списку обращений");
    public static string OmsWritten => Pick("written", "письменное");
    public static string OmsOral => Pick("oral", "устное");
    public static string OmsEnp => Pick("Single policy number (ЕНП)", "ЕНП");
    public static string OmsOrganisation => Pick("Medical organisation", "Медицинская организация");
    public static string OmsReceived => Pick("Received", "Поступило");
    public static string OmsRegisteredLate => Pick("registered more than 3 days after receipt", "зарегистрировано позже 3 дней после поступления");
    public static string OmsWaited(int seconds) => Pick($"waited {seconds} s on the line", $"ожидание на линии {seconds} с");
    public static string OmsContacts(int count) => Pick($"contacts: {count}", $"контактов: {count}");
    public static string OmsSummary => Pick("What the citizen asks", "Суть обращения");
    public static string OmsHistory => Pick("History", "Ход рассмотрения");
    public static string OmsWho => Pick("Who", "Кто");
    public static string OmsWhen => Pick("When", "Когда");
    public static string OmsEvent => Pick("Event", "Событие");
    public static string OmsTierMove(int from, int to) => Pick($"tier {from} → {to}", $"уровень {from} → {to}");
    public static string OmsEventName(string kind) => kind switch
    {
        "registered" => Pick("registered", "зарегистрировано"),
        "registration-late" => Pick("registered late", "регистрация с нарушением срока"),
        "knowledge-answer" => Pick("answer from the knowledge base", "ответ по базе знаний"),
        "contact" => Pick("further contact", "повторное обращение"),
        "escalated" => Pick("escalated", "передано на уровень выше"),
        "de-escalated" => Pick("returned", "возвращено на уровень ниже"),
        "classified" => Pick("subject changed", "изменена тема"),
        "intervention" => Pick("intervention", "взаимодействие с МО"),
        "intervention-updated" => Pick("intervention outcome", "результат взаимодействия с МО"),
        "expertise-ordered" => Pick("expertise ordered", "назначена ЭКМП"),
        "expertise-concluded" => Pick("expertise concluded", "заключение ЭКМП"),
        "extended" => Pick("deadline extended", "срок продлён"),
        "answered" => Pick("answered", "дан ответ"),
        "deadline-breached" => Pick("deadline breached", "нарушен срок ответа"),
        _ => kind,
    };
    public static string OmsInterventions => Pick("Interventions with the medical organisation", "Взаимодействие с медицинской организацией");
    public static string OmsInterventionOutcome(string outcome) => outcome switch
    {
        "pending" => Pick("awaiting", "ожидается исполнение"),
        "resolved" => Pick("resolved", "решено"),
        "partially-resolved" => Pick("partly resolved", "решено частично"),
        "refused" => Pick("refused", "отказ"),
        _ => outcome,
    };
    public static string OmsExpertises => Pick("Expertises of the quality of medical care", "Экспертизы качества медицинской помощи");
    public static string OmsExpertiseOverdue => Pick("overdue", "просрочена");
    public static string OmsViolations(bool found) => found ? Pick("violations found", "выявлены нарушения") : Pick("no violations", "нарушений не выявлено");
    public static string OmsAnswerGiven => Pick("Answer to the citizen", "Ответ заявителю");
    public static string OmsOutcomeName(string outcome) => outcome switch
    {
        "resolved" => Pick("resolved", "вопрос решён"),
        "partially-resolved" => Pick("partly resolved", "вопрос решён частично"),
        "not-resolved" => Pick("not resolved", "вопрос не решён"),
        "explained" => Pick("explained", "даны разъяснения"),
        "redirected" => Pick("redirected to whom it concerns", "направлено по принадлежности"),
        _ => outcome,
    };
    public static string OmsJustified(bool justified) => justified
        ? Pick("complaint justified", "жалоба обоснованна") : Pick("complaint not justified", "жалоба необоснованна");
    public static string OmsFirstContact => Pick("settled at the first contact", "решено при первом обращении");
    public static string OmsTasks => Pick("Supervisor's tasks", "Задачи руководителя");
    public static string OmsTaskKind(string kind) => kind switch
    {
        "registration-late" => Pick("registered late", "нарушен срок регистрации"),
        "answer-due-soon" => Pick("answer due soon", "истекает срок ответа"),
        "answer-overdue" => Pick("answer overdue", "просрочен ответ"),
        "expertise-overdue" => Pick("expertise overdue", "просрочена ЭКМП"),
        _ => kind,
    };
    public static string OmsTaskStatus(string status) => status == "done" ? Pick("done", "выполнена") : Pick("open", "открыта");

    // Actions on an appeal.
    public static string OmsActions => Pick("Work on the appeal", "Работа с обращением");
    public static string OmsAnswerShort => Pick("Answer", "Ответ");
    public static string OmsEscalateShort => Pick("Escalate", "Передать выше");
    public static string OmsReturnShort => Pick("Return", "Вернуть ниже");
    public static string OmsInterventionShort => Pick("Intervention", "Взаимодействие с МО");
    public static string OmsExpertiseShort => Pick("Expertise (ЭКМП)", "ЭКМП");
    public static string OmsExtendShort => Pick("Extend", "Продлить срок");
    public static string OmsContactShort => Pick("Further contact", "Повторное обращение");
    public static string OmsNothingPlanned => Pick("Nobody was invited: everyone due had been invited for these measures this year, or nobody consented.",
        "Никто не приглашён: все, кому положены эти мероприятия, уже приглашены в этом году или не дали согласия.");
    public static string OmsNotYourTier(int tier) => Pick(
        $"The appeal is at tier {tier}: a tier-{tier} representative or the supervisor works it.",
        $"Обращение на {tier} уровне: с ним работает страховой представитель {tier} уровня или руководитель.");
    public static string OmsAnsweredNote => Pick("The citizen has been answered; the appeal is closed.", "Заявителю дан ответ; обращение закрыто.");
    public static string OmsDone => Pick("Saved.", "Сохранено.");

    public static string OmsAnswerAction => Pick("Answer the citizen", "Дать ответ заявителю");
    public static string OmsAnswerText => Pick("Answer", "Текст ответа");
    public static string OmsOutcome => Pick("Outcome", "Результат");
    public static string OmsChooseOutcome => Pick("— choose —", "— выберите —");
    public static string OmsJustifiedQuestion => Pick("Is the complaint justified?", "Жалоба обоснованна?");
    public static string OmsJustifiedYes => Pick("yes, justified", "да, обоснованна");
    public static string OmsJustifiedNo => Pick("no, not justified", "нет, необоснованна");
    public static string OmsKnowledgeSearch => Pick("Search the knowledge base", "Поиск по базе знаний");
    public static string OmsKnowledgeHelp => Pick("Words of the question, e.g. замена полиса; Enter searches.", "Слова вопроса, например: замена полиса; Enter — найти.");
    public static string OmsUseArticle => Pick("Use this answer", "Взять этот ответ");
    public static string OmsFromArticle(string code) => Pick($"Answer from article {code}", $"Ответ по статье {code}");
    public static string OmsNoArticles => Pick("Nothing found in the knowledge base.", "В базе знаний ничего не найдено.");
    public static string OmsSendAnswer => Pick("Answer", "Дать ответ");

    public static string OmsEscalateAction => Pick("Escalate to a higher tier", "Передать на уровень выше");
    public static string OmsToTier => Pick("To tier", "На уровень");
    public static string OmsReason => Pick("Reason", "Причина");
    public static string OmsNewKind => Pick("Subject", "Тема обращения");
    public static string OmsKeepKind => Pick("keep the subject", "без изменения темы");
    public static string OmsEscalate => Pick("Escalate", "Передать");

    public static string OmsReturnAction => Pick("Return to a lower tier", "Вернуть на уровень ниже");
    public static string OmsReturnNote => Pick("What was found or decided", "Что установлено или решено");
    public static string OmsReturn => Pick("Return", "Вернуть");

    public static string OmsContactAction => Pick("Record a further contact", "Записать повторное обращение");
    public static string OmsContactNote => Pick("What the citizen said", "Что сообщил заявитель");
    public static string OmsRecord => Pick("Record", "Записать");

    public static string OmsInterventionAction => Pick("Record an intervention with the medical organisation", "Записать взаимодействие с медицинской организацией");
    public static string OmsContactPerson => Pick("Whom you spoke to", "С кем связались");
    public static string OmsContactedAt => Pick("When (your time)", "Когда (ваше время)");
    public static string OmsAgreed => Pick("What was agreed", "О чём договорились");
    public static string OmsLaterOutcome => Pick("Outcome now", "Результат сейчас");
    public static string OmsRecordOutcome => Pick("Record the outcome", "Записать результат");

    public static string OmsExpertiseAction => Pick("Order an expertise of the quality of medical care", "Назначить экспертизу качества медицинской помощи");
    public static string OmsExpert => Pick("Expert", "Эксперт качества медицинской помощи");
    public static string OmsDueOn => Pick("Due by", "Срок проведения");
    public static string OmsOrder => Pick("Order", "Назначить");
    public static string OmsConclusion => Pick("Record the conclusion", "Внести заключение");
    public static string OmsFindings => Pick("Findings", "Заключение эксперта");
    public static string OmsViolationsQuestion => Pick("Violations found?", "Выявлены нарушения?");
    public static string OmsYes => Pick("yes", "да");
    public static string OmsNo => Pick("no", "нет");

    public static string OmsExtendAction => Pick("Extend the deadline", "Продлить срок рассмотрения");
    public static string OmsExtendDays => Pick("By days (1-30)", "На сколько дней (1–30)");
    public static string OmsExtendNote => Pick("Once, before the deadline passes; the citizen is sent a notice.",
        "Однократно и до истечения срока; заявителю направляется уведомление.");
    public static string OmsExtend => Pick("Extend", "Продлить");

    public static string OmsDaysRange => Pick("From 1 to 30 days.", "От 1 до 30 дней.");
    public static string OmsNotInFuture => Pick("Cannot be in the future.", "Не может быть в будущем.");
    public static string OmsDueRange => Pick("From today to a year ahead.", "От сегодняшнего дня до года вперёд.");

    // The clock board.
    public static string OmsClockTitle => Pick("The law's clock", "Контроль сроков рассмотрения обращений");
    public static string OmsClockIntro => Pick(
        "Open written appeals by deadline (59-FZ: 30 days from registration, extended once by at most 30 days) and the tasks the clock made for the supervisor.",
        "Открытые письменные обращения по сроку ответа (59-ФЗ: 30 дней с даты регистрации, однократное продление не более чем на 30 дней) и задачи руководителю по срокам.");
    public static string OmsCountOverdue => Pick("Overdue", "Срок нарушен");
    public static string OmsCountDueSoon => Pick("Due soon", "Срок истекает");
    public static string OmsCountOnTime => Pick("On time", "В срок");
    public static string OmsOpenTasks => Pick("Open tasks", "Открытые задачи");
    public static string OmsTaskColumn => Pick("Task", "Задача");
    public static string OmsNoTasks => Pick("No open tasks.", "Открытых задач нет.");
    public static string OmsTaskDone => Pick("Done", "Выполнено");
    public static string OmsDue => Pick("Due", "Срок");
    public static string OmsOpenWritten => Pick("Open written appeals", "Открытые письменные обращения");

    // Campaigns.
    public static string OmsCampaignsTitle => Pick("Reminder campaigns", "Информирование о профилактических мероприятиях");
    public static string OmsCampaignsIntro => Pick(
        "Invitations to the preventive medical check-up, dispanserization and dispensary observation (order 404n): planned, sent, delivered, and how the calls went.",
        "Приглашения на профилактический медицинский осмотр, диспансеризацию и диспансерное наблюдение (приказ № 404н): запланировано, отправлено, доставлено и результаты обзвона.");
    public static string OmsSmsToday(string date) => Pick($"Reminder SMS today, {date}", $"SMS-напоминания сегодня, {date}");
    public static string OmsSmsPending => Pick("waiting", "ожидают отправки");
    public static string OmsSmsSending => Pick("sending", "отправляются");
    public static string OmsSmsSent => Pick("sent, no receipt yet", "отправлены, без отчёта");
    public static string OmsSmsDelivered => Pick("delivered", "доставлены");
    public static string OmsSmsUndelivered => Pick("undelivered", "не доставлены");
    public static string OmsSmsOverdue => Pick("from earlier days, still waiting", "за прошлые дни, ещё не отправлены");
    public static string OmsSmsWindow(string from, string until, bool open, string zone) => open
        ? Pick($"Sending window {from}–{until} ({zone}): open", $"Окно отправки {from}–{until} ({zone}): открыто")
        : Pick($"Sending window {from}–{until} ({zone}): closed", $"Окно отправки {from}–{until} ({zone}): закрыто");
    public static string OmsProviderError(string error, string at) => Pick($"The SMS provider's last error, {at}: {error}", $"Последняя ошибка SMS-провайдера, {at}: {error}");
    public static string OmsProviderOk(string at) => Pick($"The SMS provider last accepted a message {at}", $"SMS-провайдер последний раз принял сообщение {at}");
    public static string OmsCampaign => Pick("Campaign", "Кампания");
    public static string OmsYear => Pick("Year", "Год");
    public static string OmsMeasures => Pick("Measures", "Мероприятия");
    public static string OmsStartsOn => Pick("From", "Начало");
    public static string OmsCampaignStatus(string status) => status switch
    {
        "planned" => Pick("under way", "идёт"),
        "cancelled" => Pick("cancelled", "отменена"),
        _ => status,
    };
    public static string OmsPlanned => Pick("Planned", "Запланировано");
    public static string OmsSent => Pick("Sent", "Отправлено");
    public static string OmsDelivered => Pick("Delivered", "Доставлено");
    public static string OmsUndelivered => Pick("Undelivered", "Не доставлено");
    public static string OmsReached => Pick("Reached", "Дозвонились");
    public static string OmsAttended => Pick("Attended", "Пришли");
    public static string OmsRefused => Pick("Refused", "Отказались");
    public static string OmsUnreachable => Pick("Unreachable", "Не дозвонились");
    public static string OmsCancelled => Pick("Cancelled", "Отменено");
    public static string OmsTotal => Pick("Total", "Итого");
    public static string OmsPreventiveKind(string kind) => kind switch
    {
        "checkup" => Pick("Preventive medical check-up", "Профилактический медицинский осмотр"),
        "dispanserization" => Pick("Dispanserization (stage 1)", "Диспансеризация (первый этап)"),
        "in-depth" => Pick("In-depth dispanserization", "Углублённая диспансеризация"),
        "dispensary" => Pick("Dispensary observation", "Диспансерное наблюдение"),
        _ => kind,
    };
    public static string OmsInvitationChannel(string channel) => channel switch
    {
        "sms" => "SMS",
        "call" => Pick("call", "звонок"),
        _ => channel,
    };
    public static string OmsCampaignLimits(int sms, int calls, int clinic) => Pick(
        $"At most {sms} SMS and {calls} calls a day, {clinic} invitations a day per clinic",
        $"Не более {sms} SMS и {calls} звонков в день, {clinic} приглашений в день на поликлинику");
    public static string OmsCampaignDays(int days) => Pick($"over {days} days", $"на {days} дн.");
    public static string OmsPerDay => Pick("Invitations per day", "Приглашения по дням");
    public static string OmsCalls => Pick("Calls", "Звонки");
    public static string OmsNoCampaigns => Pick("No campaigns yet.", "Кампаний пока нет.");
    public static string OmsOpenCampaign => Pick("Figures", "Показатели");
    public static string OmsMoreDays(int more) => Pick($"and {more} more days", $"и ещё {more} дн.");
}
