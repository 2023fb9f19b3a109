using System.Globalization;

namespace Platform.Console.Texts;

public static partial class T
{
    /// <summary>The texts of the case list and the case screen (T.Case.X), apart from the other screens' texts.</summary>
    public static class Case
    {
        // The list of cases.
        public static string ListIntro => Pick("The organisation's cases, newest first. Open one for its briefing, tasks and documents.",
            "Дела организации, сначала новые. Откройте дело, чтобы увидеть справку, задачи и документы.");
        public static string SearchLabel => Pick("Case number", "Номер дела");
        public static string SearchHelp => Pick("Type a number such as 2026-000042 and press Enter to open it; the list is filtered as you type.",
            "Введите номер, например 2026-000042, и нажмите Enter, чтобы открыть дело; список фильтруется по мере ввода.");
        public static string NotFoundByNumber(string number) => Pick($"There is no case {number} in your organisation.",
            $"Дела {number} в вашей организации нет.");
        public static string StatusFilter => Pick("Status", "Статус");
        public static string AnyStatus => Pick("All statuses", "Все статусы");
        public static string OpenedAt => Pick("Opened", "Дата открытия");
        public static string NoCases => Pick("No cases.", "Дел нет.");
        public static string NoMatches => Pick("No case on this page matches.", "На этой странице подходящих дел нет.");
        public static string PageOf(int page, int pages, long total) => Pick($"Page {page} of {pages} · {total} cases",
            $"Страница {page} из {pages} · всего дел: {total}");
        public static string Previous => Pick("Previous", "Назад");
        public static string Next => Pick("Next", "Вперёд");

        public static string StatusName(string status) => status switch
        {
            "open" => Pick("Open", "Открыто"),
            "outpatient" => Pick("Outpatient care", "Амбулаторное лечение"),
            "hospitalised" => Pick("Hospitalised", "Госпитализация"),
            "awaiting-repatriation" => Pick("Awaiting repatriation", "Ожидает репатриации"),
            "closed" => Pick("Closed", "Закрыто"),
            _ => status,
        };

        public static readonly IReadOnlyList<string> Statuses = ["open", "outpatient", "hospitalised", "awaiting-repatriation", "closed"];

        // The header.
        public static string Title(string number) => Pick($"Case {number}", $"Дело {number}");
        public static string Coordinator => Pick("Coordinator", "Координатор");
        public static string NoCoordinator => Pick("not assigned", "не назначен");
        public static string You => Pick("you", "вы");
        public static string Take => Pick("Take the case", "Взять дело");
        public static string Taken => Pick("You are now the coordinator of this case; its callbacks are yours.",
            "Теперь вы координатор этого дела; обратные звонки по нему переданы вам.");
        public static string Born(string date) => Pick($"born {date}", $"дата рождения {date}");
        public static string Policy => Pick("Policy", "Полис");
        public static string PolicyValid(string from, string to) => Pick($"valid {from} – {to}", $"действует с {from} по {to}");
        public static string ChangeStatus => Pick("Change status", "Сменить статус");
        public static string NewStatus => Pick("New status", "Новый статус");
        public static string StatusReason => Pick("Reason", "Причина");
        public static string StatusReasonRequired => Pick("Give the reason for closing the case.", "Укажите причину закрытия дела.");
        public static string Apply => Pick("Apply", "Применить");
        public static string StatusChanged(string status) => Pick($"The status is now: {status}.", $"Новый статус: {status}.");
        public static string CaseNotFound(string number) => Pick($"Case {number} was not found in your organisation.",
            $"Дело {number} в вашей организации не найдено.");
        public static string BackToList => Pick("All cases", "Все дела");

        // The briefing.
        public static string Briefing => Pick("Briefing", "Справка по делу");
        public static string OnThePhone => Pick("On the phone", "На линии");
        public static string TellCaller => Pick("Tell the caller", "Что сказать звонящему");
        public static string CallerProfile(string language, string zone) => Pick($"Written in {language}; times in {zone}",
            $"Текст на языке: {language}; время: {zone}");
        public static string CallerTimeNow(string time) => Pick($"Their time now: {time}", $"У них сейчас: {time}");
        public static string LanguageOf(string? code) => code?.StartsWith("ru", StringComparison.OrdinalIgnoreCase) == true
            ? Pick("Russian", "русский")
            : code?.StartsWith("en", StringComparison.OrdinalIgnoreCase) == true || code is null ? Pick("English", "английский") : code;
        public static string ZoneSource(string source) => source switch
        {
            "explicit" => Pick("their own", "указан ими"),
            "phone" => Pick("by their phone number", "по номеру телефона"),
            "phone-country-capital" => Pick("capital of their phone's country", "столица страны их номера"),
            "location" => Pick("where the case is", "по месту дела"),
            "utc" => Pick("nothing to go on", "данных нет"),
            _ => source,
        };
        public static string Promised => Pick("Promised", "Обещано");
        public static string NothingPromised => Pick("Nothing promised.", "Обещаний нет.");
        public static string OtherTasks => Pick("Other open tasks", "Прочие открытые задачи");
        public static string LastContacts => Pick("Last contacts", "Последние контакты");
        public static string NothingToTell => Pick("Nothing to tell yet.", "Пока сообщить нечего.");
        public static string MedicalWarnings => Pick("Medical warnings", "Медицинские предупреждения");
        public static string NoContactYet => Pick("No contact of the case yet: the steps are in English, times in the case's zone.",
            "У дела пока нет контактов: шаги на английском, время по месту дела.");
        public static string ContactOption(string name, string relation, string language) => $"{name} · {relation} · {language}";

        // The sections.
        public static string Tasks => Pick("Tasks", "Задачи");
        public static string Documents => Pick("Documents", "Документы");
        public static string Timeline => Pick("Timeline", "Хронология");
        public static string Contacts => Pick("Contacts", "Контакты");
        public static string Medical => Pick("Medical details", "Медицинские данные");
        public static string CoverageAndBills => Pick("Coverage and bills", "Покрытие и счета");
        public static string PlanAndTransport => Pick("Plan and transport", "План и транспорт");
        public static string Clinics => Pick("Clinics nearby", "Клиники рядом");

        // Tasks.
        public static string TaskKind(string kind) => kind switch
        {
            "callback" => Pick("Callback", "Обратный звонок"),
            "control-call" => Pick("Control call", "Контрольный звонок"),
            "document-chase" => Pick("Document chase", "Запрос документов"),
            "coverage-warning" => Pick("Coverage warning", "Предупреждение о покрытии"),
            "extension-warning" => Pick("Policy extension", "Продление полиса"),
            "pass-on-message" => Pick("Pass on a message", "Передать сообщение"),
            "medif" => Pick("MEDIF form", "Форма MEDIF"),
            "return-flight" => Pick("Return flight", "Обратный рейс"),
            "other" => Pick("Other", "Прочее"),
            _ => kind,
        };
        public static string TaskLabel => Pick("Task", "Задача");
        public static string Due => Pick("Due", "Срок");
        public static string Owner => Pick("Owner", "Исполнитель");
        public static string NoTasks => Pick("No tasks.", "Нет задач.");
        public static string NoOpenTasks => Pick("No open tasks.", "Открытых задач нет.");
        public static string RecentlyClosed => Pick("Closed in the last 7 days", "Закрытые за последние 7 дней");
        public static string Complete => Pick("Complete", "Выполнить");
        public static string CompleteTitle(string task) => Pick($"Complete: {task}", $"Выполнение: {task}");
        public static string CallResult => Pick("Result of the call", "Результат звонка");
        public static string CallResultName(string? result) => result switch
        {
            "reached" => Pick("Reached", "Дозвонились"),
            "no-answer" => Pick("No answer", "Не ответили"),
            "left-message" => Pick("Left a message", "Оставили сообщение"),
            null or "" => Pick("— not a call —", "— не звонок —"),
            _ => result,
        };
        public static readonly IReadOnlyList<string> CallResults = ["reached", "no-answer", "left-message"];
        public static string TaskNote => Pick("What was done or agreed", "Что сделано или о чём договорились");
        public static string TaskNoteRequired => Pick("Write what was done.", "Опишите, что сделано.");
        public static string CallResultRequired => Pick("A control call records its result.", "Для контрольного звонка укажите результат.");
        public static string ConfirmComplete => Pick("Complete the task", "Завершить задачу");
        public static string CtrlEnterHint => Pick("Ctrl+Enter completes", "Ctrl+Enter — завершить");
        public static string TaskCompleted(string task) => Pick($"Done: {task}.", $"Выполнено: {task}.");
        public static string TaskStatus(string status) => status switch
        {
            "open" => Pick("open", "открыта"),
            "done" => Pick("done", "выполнена"),
            "cancelled" => Pick("cancelled", "отменена"),
            _ => status,
        };
        public static string OnTime => Pick("on time", "в срок");
        public static string Late => Pick("late", "с опозданием");
        public static string EscalatedTo(string who) => Pick($"escalated to {who}", $"эскалировано: {who}");
        public static string DoneBy(string who, string at) => Pick($"{who}, {at}", $"{who}, {at}");

        // Documents.
        public static string Checklist => Pick("Documents the case needs", "Документы, нужные по делу");
        public static string ChecklistComplete => Pick("Every document the case needs is accepted.", "Все нужные по делу документы приняты.");
        public static string ChecklistEmpty => Pick("The case needs no documents yet.", "Пока по делу документы не нужны.");
        public static string DocumentType(string type) => type switch
        {
            "passport" => Pick("Passport", "Паспорт"),
            "policy" => Pick("Insurance policy", "Страховой полис"),
            "medical-report" => Pick("Medical report", "Медицинское заключение"),
            "discharge-summary" => Pick("Discharge summary", "Выписной эпикриз"),
            "itemised-bill" => Pick("Itemised bill", "Детализированный счёт клиники"),
            "romif" => Pick("ROMIF form", "Форма ROMIF"),
            "medif" => Pick("MEDIF form", "Форма MEDIF"),
            "invoice" => Pick("Invoice", "Счёт"),
            "receipt" => Pick("Receipt", "Чек"),
            "other" => Pick("Other document", "Прочий документ"),
            _ => type,
        };
        /// <summary>Why the case needs the document: the platform's explanation (English), or its Russian wording.</summary>
        public static string DocumentWhy(string type, string why) => !Russian ? why : type switch
        {
            "passport" => "для подтверждения личности застрахованного",
            "policy" => "для подтверждения условий страхования",
            "medical-report" => "диагноз и лечение от лечащего врача: по нему принимается решение о покрытии",
            "discharge-summary" => "что было сделано в больнице и рекомендации врача после выписки",
            "romif" => "клиники США передают медицинскую информацию только по этому подписанному разрешению (HIPAA)",
            "itemised-bill" => "клиники США выставляют счёт по позициям: каждая позиция проверяется по гарантийному письму и полису",
            "medif" => "медицинская форма авиакомпании (IATA MEDIF): лечащий врач подтверждает, что пациенту можно лететь",
            _ => why,
        };
        public static string DocumentState(string state) => state switch
        {
            "missing" => Pick("Missing", "Нет"),
            "received" => Pick("Awaiting review", "На проверке"),
            "accepted" => Pick("Accepted", "Принят"),
            "rejected" => Pick("Rejected", "Отклонён"),
            _ => state,
        };
        public static string Why => Pick("Why", "Зачем");
        public static string DocumentLabel => Pick("Document", "Документ");
        public static string ReceivedDocuments => Pick("Documents received", "Полученные документы");
        public static string NoDocuments => Pick("No documents yet.", "Документов пока нет.");
        public static string FileLabel => Pick("File", "Файл");
        public static string Received => Pick("Received", "Получен");
        public static string Review => Pick("Review", "Проверка");
        public static string Download => Pick("Download", "Скачать");
        public static string DownloadOf(string file) => Pick($"Download {file}", $"Скачать {file}");
        public static string Accept => Pick("Accept", "Принять");
        public static string Reject => Pick("Reject", "Отклонить");
        public static string RejectReason => Pick("Why it cannot be accepted (the sender is told)", "Почему документ не принят (это сообщат отправителю)");
        public static string RejectReasonRequired => Pick("Give the reason: the sender is told it.", "Укажите причину: её сообщат отправителю.");
        public static string ConfirmReject => Pick("Reject the document", "Отклонить документ");
        public static string Accepted(string document) => Pick($"{document} accepted; the sender is told what is still needed.",
            $"{document}: документ принят; отправителю сообщат, что ещё нужно.");
        public static string Rejected(string document) => Pick($"{document} rejected; the sender is told why and what to send.",
            $"{document}: документ отклонён; отправителю сообщат причину и что прислать.");
        public static string ReviewedBy(string who, string at) => Pick($"by {who}, {at}", $"{who}, {at}");
        public static string Size(long bytes) => bytes switch
        {
            < 1024 => Pick($"{bytes} B", $"{bytes} Б"),
            < 1024 * 1024 => Pick($"{bytes / 1024.0:0.#} KB", $"{(bytes / 1024.0).ToString("0.#", CultureInfo.GetCultureInfo("ru-RU"))} КБ"),
            _ => Pick($"{bytes / 1024.0 / 1024.0:0.#} MB", $"{(bytes / 1024.0 / 1024.0).ToString("0.#", CultureInfo.GetCultureInfo("ru-RU"))} МБ"),
        };

        // The timeline.
        public static string NewestFirst => Pick("Newest first", "Сначала новые");
        public static string OldestFirst => Pick("Oldest first", "Сначала старые");
        public static string NothingHappened => Pick("Nothing has happened yet.", "Событий пока нет.");
        public static string When => Pick("When", "Когда");
        public static string Who => Pick("Who", "Кто");
        public static string Event => Pick("Event", "Событие");
        public static string TimelineKind(string kind) => kind switch
        {
            "appeal" => Pick("Appeal", "Обращение"),
            "case-opened" => Pick("Case opened", "Дело открыто"),
            "status-changed" => Pick("Status changed", "Смена статуса"),
            "coordinator-assigned" => Pick("Coordinator assigned", "Назначен координатор"),
            "handover" => Pick("Handover", "Передача дела"),
            "contact-saved" => Pick("Contact saved", "Контакт сохранён"),
            "message-to-contact" => Pick("Message to a contact", "Сообщение контакту"),
            "message-sent" => Pick("Message delivered", "Сообщение отправлено"),
            "message-failed" => Pick("Message not delivered", "Сообщение не доставлено"),
            "medical-details" => Pick("Medical details", "Медицинские данные"),
            "document-received" => Pick("Document received", "Получен документ"),
            "document-reviewed" => Pick("Document reviewed", "Документ проверен"),
            "plan-set" => Pick("Plan set", "Задан план"),
            "plan-advanced" => Pick("Plan step done", "Шаг плана выполнен"),
            "task-created" => Pick("Task set", "Поставлена задача"),
            "task-completed" => Pick("Task done", "Задача выполнена"),
            "task-cancelled" => Pick("Tasks cancelled", "Задачи отменены"),
            "task-escalated" => Pick("Task escalated", "Эскалация задачи"),
            "task-rescheduled" => Pick("Task moved", "Срок задачи перенесён"),
            "tasks-reassigned" => Pick("Tasks reassigned", "Задачи переданы"),
            "guarantee-letter-issued" => Pick("Guarantee letter issued", "Выдано гарантийное письмо"),
            "guarantee-letter-amended" => Pick("Guarantee letter amended", "Гарантийное письмо изменено"),
            "guarantee-letter-revoked" => Pick("Guarantee letter revoked", "Гарантийное письмо отозвано"),
            "invoice-adjudicated" => Pick("Invoice adjudicated", "Счёт рассмотрен"),
            "coverage-currency-mismatch" => Pick("Currency differs from the limit's", "Валюта не совпадает с валютой лимита"),
            "coverage-threshold-reached" => Pick("Coverage threshold reached", "Достигнут порог лимита"),
            "repatriation-planned" => Pick("Repatriation planned", "Репатриация запланирована"),
            "repatriation-leg-booked" => Pick("Transport leg booked", "Забронирован этап перевозки"),
            "repatriation-completed" => Pick("Repatriation completed", "Репатриация завершена"),
            "repatriation-cancelled" => Pick("Repatriation cancelled", "Репатриация отменена"),
            _ => kind,
        };

        // Contacts and messages.
        public static string Relation(string relation) => relation switch
        {
            "insured" => Pick("the insured", "застрахованный"),
            "daughter" => Pick("daughter", "дочь"),
            "son" => Pick("son", "сын"),
            "spouse" => Pick("spouse", "супруг(а)"),
            "parent" => Pick("parent", "родитель"),
            "sibling" => Pick("brother or sister", "брат или сестра"),
            "relative" => Pick("relative", "родственник"),
            "clinic-doctor" => Pick("clinic's doctor", "врач клиники"),
            "other" => Pick("other", "другое"),
            _ => relation,
        };
        public static string Name => Pick("Name", "Имя");
        public static string Reach => Pick("How to reach", "Как связаться");
        public static string LanguageLabel => Pick("Language", "Язык");
        public static string TimesToldIn => Pick("Times told in", "Время сообщаем по");
        public static string Prefers(string channel) => Pick($"prefers {channel}", $"предпочитает: {channel}");
        public static string MayBeToldMedical => Pick("may be told medical details", "можно сообщать медицинские сведения");
        public static string NotToldMedical => Pick("not to be told medical details", "медицинские сведения не сообщать");
        public static string NoMessagesConsent => Pick("no written messages: tell by phone", "письменные сообщения не отправлять: только по телефону");
        public static string LastCalled(string at) => Pick($"last called {at}", $"последний звонок {at}");
        public static string NoContacts => Pick("No contacts yet.", "Контактов пока нет.");
        public static string Messages => Pick("Messages to contacts", "Сообщения контактам");
        public static string NoMessages => Pick("No messages yet.", "Сообщений пока нет.");
        public static string MessageStatus(string status) => status switch
        {
            "pending" => Pick("Being sent", "Отправляется"),
            "sent" => Pick("Sent", "Отправлено"),
            "failed" => Pick("Not delivered", "Не доставлено"),
            "held" => Pick("Held", "Задержано"),
            _ => status,
        };
        public static string Attempts(int n) => Pick($"attempts: {n}", $"попыток: {n}");
        public static string NextAttempt(string at) => Pick($"next try {at}", $"следующая попытка {at}");
        public static string SentAt(string at) => Pick($"sent {at}", $"отправлено {at}");
        public static string To => Pick("To", "Кому");

        // Medical details.
        public static string NoMedical => Pick("No medical details recorded yet.", "Медицинские данные ещё не внесены.");
        public static string MedicalVersion(long version, string at, string by) => Pick($"Version {version}, recorded {at} by {by}",
            $"Версия {version}, внесена {at}, {by}");
        public static string Diagnosis => Pick("Diagnosis", "Диагноз");
        public static string DiagnosisCode => Pick("ICD-10 code", "Код МКБ-10");
        public static string DiagnosisText => Pick("Diagnosis in words", "Диагноз словами");
        public static string Procedures => Pick("Procedures", "Процедуры");
        public static string ProceduresHelp => Pick("One per line", "По одной в строке");
        public static string AdmissionOn => Pick("Admitted on", "Дата госпитализации");
        public static string ExpectedDischargeOn => Pick("Expected discharge", "Ожидаемая выписка");
        public static string ReturnFlightOn => Pick("Return flight", "Обратный рейс");
        public static string Recommendations => Pick("Recommendations", "Рекомендации");
        public static string FitToFly => Pick("Fit to fly", "Допуск к перелёту");
        public static string FitToFlyName(string value) => value switch
        {
            "unknown" => Pick("not assessed", "не оценён"),
            "yes" => Pick("yes", "да"),
            "with-escort" => Pick("with an escort", "с сопровождением"),
            "stretcher" => Pick("on a stretcher", "на носилках"),
            "no" => Pick("no", "нет"),
            _ => value,
        };
        public static readonly IReadOnlyList<string> FitToFlyValues = ["unknown", "yes", "with-escort", "stretcher", "no"];
        public static string Rehabilitation => Pick("Rehabilitation needed", "Нужна реабилитация");
        public static string YesNo(bool? value) => value switch { true => Pick("yes", "да"), false => Pick("no", "нет"), null => "—" };
        public static string RecordMedical => Pick("Record a new version", "Внести новую версию");
        public static string RecordMedicalIntro => Pick("What the attending doctor reports. Earlier versions are kept.",
            "Сведения от лечащего врача. Предыдущие версии сохраняются.");
        public static string MedicalRecorded(long version) => Pick($"Medical details recorded (version {version}).",
            $"Медицинские данные внесены (версия {version}).");
        public static string IcdInvalid => Pick("An ICD-10 code such as I21.4 or S72.00.", "Код МКБ-10, например I21.4 или S72.00.");
        public static string DischargeBeforeAdmission => Pick("The discharge cannot be before the admission.", "Выписка не может быть раньше госпитализации.");
        public static string TooLong(int max) => Pick($"At most {max} characters.", $"Не более {max} символов.");
        public static string EarlierVersions => Pick("Earlier versions", "Предыдущие версии");
        public static string MedicalWarning(string warning)
        {
            var code = warning.Split(':', 2)[0];
            return code switch
            {
                "return-flight-before-discharge" => Pick(
                    "The return flight is not after the expected discharge: change the ticket or arrange repatriation.",
                    "Обратный рейс не позже ожидаемой выписки: нужно поменять билет или организовать репатриацию."),
                "fitness-to-fly-unknown" => Pick("A return flight is booked but fitness to fly has not been assessed.",
                    "Обратный рейс забронирован, но допуск к перелёту не оценён."),
                "medif-required" => Pick("Flying with an escort or on a stretcher needs the airline's MEDIF form signed by the attending doctor.",
                    "Для перелёта с сопровождением или на носилках нужна форма MEDIF авиакомпании, подписанная лечащим врачом."),
                _ => warning,
            };
        }

        // Coverage.
        public static string Benefit(string benefit) => benefit switch
        {
            "medical-expenses" => Pick("Medical expenses", "Медицинские расходы"),
            "repatriation" => Pick("Repatriation", "Репатриация"),
            "rehabilitation" => Pick("Rehabilitation", "Реабилитация"),
            "dental" => Pick("Dental treatment", "Стоматология"),
            "evacuation" => Pick("Evacuation", "Эвакуация"),
            _ => benefit,
        };
        public static string Limit => Pick("Limit", "Лимит");
        public static string NoLimit => Pick("no limit in the policy terms", "лимита в условиях полиса нет");
        public static string Reserved => Pick("Reserved by guarantee letters", "Зарезервировано гарантийными письмами");
        public static string Spent => Pick("Spent by invoices", "Израсходовано по счетам");
        public static string Remaining => Pick("Remaining", "Остаток");
        public static string UsedPercent(string percent) => Pick($"{percent}% used", $"использовано {percent}%");
        public static string ThresholdReached(int percent) => Pick($"{percent}% threshold reached", $"достигнут порог {percent}%");
        public static string Unconverted(string amounts) => Pick($"Not counted, in another currency: {amounts}", $"Не учтено, в другой валюте: {amounts}");
        public static string CoverageLegend => Pick("Dark: spent by invoices; light: reserved by guarantee letters.",
            "Тёмная часть — израсходовано по счетам, светлая — зарезервировано гарантийными письмами.");
        public static string NoBenefits => Pick("The policy terms give no limits to follow.", "В условиях полиса нет лимитов для отслеживания.");
        public static string Coverage => Pick("Coverage", "Покрытие");

        // Guarantee letters.
        public static string GuaranteeLetters => Pick("Guarantee letters", "Гарантийные письма");
        public static string NoLetters => Pick("No guarantee letters.", "Гарантийных писем нет.");
        public static string Letter => Pick("Letter", "Письмо");
        public static string Clinic => Pick("Clinic", "Клиника");
        public static string Amount => Pick("Amount", "Сумма");
        public static string Period => Pick("Period", "Период");
        public static string LetterStatus(string status) => status switch
        {
            "issued" => Pick("In force", "Действует"),
            "revoked" => Pick("Revoked", "Отозвано"),
            "expired" => Pick("Expired", "Истекло"),
            _ => status,
        };
        public static string ClinicAnswer(string? decision) => decision switch
        {
            "accepted" => Pick("accepted by the clinic", "клиника приняла"),
            "refused" => Pick("refused by the clinic", "клиника отказала"),
            _ => Pick("no answer from the clinic yet", "ответа клиники пока нет"),
        };
        public static string CoPayment(string amount) => Pick($"co-payment {amount}", $"доплата {amount}");
        public static string Deductible(string amount) => Pick($"deductible {amount}", $"франшиза {amount}");
        public static string MailStatus(string status) => status switch
        {
            "pending" => Pick("e-mail being sent", "письмо отправляется"),
            "sent" => Pick("e-mail sent", "письмо отправлено"),
            "failed" => Pick("e-mail not delivered", "письмо не доставлено"),
            _ => status,
        };

        // Billing.
        public static string Bills => Pick("Invoices", "Счета");
        public static string NoInvoices => Pick("No invoices.", "Счетов нет.");
        public static string BillingNotYet => Pick("Billing has no record of this case yet.", "В биллинге этого дела пока нет.");
        public static string Billed => Pick("Billed", "Выставлено");
        public static string Approved => Pick("Approved", "Одобрено");
        public static string RejectedAmount => Pick("Rejected", "Отклонено");
        public static string PatientPays => Pick("Patient pays", "Платит пациент");
        public static string Paid => Pick("Paid", "Оплачено");
        public static string ToPay => Pick("Approved, not paid yet", "Одобрено, ещё не оплачено");
        public static string StatementIn(string currency) => Pick($"Totals in {currency}, decided invoices only", $"Итоги в {currency}, только по рассмотренным счетам");
        public static string InvoicesWaiting(int pending, int returned) => Pick($"Awaiting a decision: {pending}; returned for correction: {returned}",
            $"Ждут решения: {pending}; возвращены на исправление: {returned}");
        public static string Invoice => Pick("Invoice", "Счёт");
        public static string Biller => Pick("From", "От кого");
        public static string InvoiceStatus(string status) => status switch
        {
            "adjudicated" => Pick("decided", "рассмотрен"),
            "pending" => Pick("awaiting a decision", "ждёт решения"),
            "returned" => Pick("returned for correction", "возвращён на исправление"),
            _ => status,
        };
        public static string PaymentStatus(string? status) => status switch
        {
            "pending" => Pick("payment being prepared", "оплата готовится"),
            "sent" => Pick("payment sent", "платёж отправлен"),
            "paid" => Pick("paid", "оплачен"),
            "failed" => Pick("payment failed", "платёж не прошёл"),
            null => "—",
            _ => status,
        };

        // The settlement plan and transport.
        public static string SettlementPlan => Pick("Settlement plan", "План урегулирования");
        public static string PlanNotSet => Pick("No settlement plan yet.", "План урегулирования ещё не задан.");
        public static string PlanKindLabel => Pick("How the case is settled", "Как урегулируется дело");
        public static string SetPlan => Pick("Set the plan", "Задать план");
        public static string PlanSet => Pick("The plan is set; its first step is now current.", "План задан; первый шаг стал текущим.");
        public static string StepDone => Pick("Current step done", "Текущий шаг выполнен");
        public static string StepNote => Pick("Note (optional)", "Примечание (необязательно)");
        public static string PlanAdvanced => Pick("The step is done; the next one is current.", "Шаг выполнен; следующий стал текущим.");
        public static string PlanComplete => Pick("Every step of the plan is done.", "Все шаги плана выполнены.");
        public static string PlanUpdated(string who, string at) => Pick($"Updated by {who}, {at}", $"Обновлено: {who}, {at}");
        public static string PlanKind(string? kind) => kind switch
        {
            "outpatient" => Pick("Outpatient care", "Амбулаторное лечение"),
            "hospitalisation" => Pick("Treatment in hospital", "Лечение в больнице"),
            "transport" => Pick("Medical transport", "Медицинская транспортировка"),
            "repatriation" => Pick("Return home (repatriation)", "Возвращение домой (репатриация)"),
            null => "—",
            _ => kind,
        };
        public static readonly IReadOnlyList<string> PlanKinds = ["outpatient", "hospitalisation", "transport", "repatriation"];
        public static string PlanOwner(string owner) => owner switch
        {
            "assistance" => Pick("our team", "наша команда"),
            "clinic" => Pick("the clinic", "клиника"),
            "insurer" => Pick("the insurer", "страховщик"),
            "family" => Pick("the family", "семья"),
            "doctor" => Pick("the doctor", "врач"),
            _ => owner,
        };
        public static string StepStatus(string status) => status switch
        {
            "done" => Pick("done", "выполнен"),
            "current" => Pick("now", "сейчас"),
            "pending" => Pick("ahead", "впереди"),
            _ => status,
        };

        // The usual steps of each kind of plan, as the platform names them (English) and in Russian.
        private static readonly Dictionary<string, string> StepTitles = new(StringComparer.Ordinal)
        {
            ["Appointment at a partner clinic"] = "Запись в клинику-партнёр",
            ["Visit and treatment"] = "Приём и лечение",
            ["Bills settled directly with the clinic"] = "Оплата счетов напрямую с клиникой",
            ["Control call after the visit"] = "Контрольный звонок после приёма",
            ["Guarantee letter sent to the hospital"] = "Гарантийное письмо отправлено в больницу",
            ["Treatment in hospital, daily control calls"] = "Лечение в больнице, ежедневные контрольные звонки",
            ["Discharge summary received"] = "Получен выписной эпикриз",
            ["Fitness to fly assessed"] = "Врач оценивает, можно ли лететь",
            ["Return home arranged"] = "Организовано возвращение домой",
            ["Transport need confirmed by the doctor"] = "Врач подтверждает необходимость транспортировки",
            ["Transport booked"] = "Транспорт заказан",
            ["Patient transported"] = "Пациент доставлен",
            ["Fitness to fly and MEDIF form"] = "Допуск к перелёту и форма MEDIF",
            ["Escort and seats or stretcher booked"] = "Забронированы сопровождение и места или носилки",
            ["Ground transport at both ends"] = "Наземный транспорт в обоих аэропортах",
            ["Receiving hospital confirmed"] = "Принимающая больница подтверждена",
            ["Patient delivered home"] = "Пациент доставлен домой",
        };

        /// <summary>A step's title in the person's language when it is one of the usual steps; a coordinator's own as written.</summary>
        public static string StepTitle(string title) => Russian && StepTitles.TryGetValue(title, out var russian) ? russian : title;

        public static string Transport => Pick("Transport plans", "Планы транспортировки");
        public static string NoTransport => Pick("No transport plan for this case.", "Плана транспортировки по делу нет.");
        public static string TransportStatus(string status) => status switch
        {
            "draft" => Pick("Draft", "Черновик"),
            "agreed" => Pick("Agreed", "Согласован"),
            "in-progress" => Pick("Under way", "Выполняется"),
            "completed" => Pick("Completed", "Завершён"),
            "cancelled" => Pick("Cancelled", "Отменён"),
            _ => status,
        };
        public static string Escort(string escort) => escort switch
        {
            "none" => Pick("no escort", "без сопровождения"),
            "companion" => Pick("with a companion", "с сопровождающим"),
            "nurse" => Pick("with a nurse", "с медсестрой"),
            "doctor" => Pick("with a doctor", "с врачом"),
            "paramedic" => Pick("with a paramedic", "с парамедиком"),
            _ => escort,
        };
        public static string LegKind(string kind) => kind switch
        {
            "ground" => Pick("Ground", "Наземный"),
            "flight" => Pick("Flight", "Перелёт"),
            _ => kind,
        };
        public static string LegStatus(string status) => status switch
        {
            "planned" => Pick("planned", "запланирован"),
            "requested" => Pick("booking requested", "запрошено бронирование"),
            "booked" => Pick("booked", "забронирован"),
            "confirmed" => Pick("confirmed", "подтверждён"),
            "done" => Pick("done", "выполнен"),
            "cancelled" => Pick("cancelled", "отменён"),
            _ => status,
        };
        public static string Receiving(string name) => Pick($"Received by {name}", $"Принимает: {name}");
        public static string MedifDue(string carrier, string at) => Pick($"MEDIF due to {carrier} by {at}", $"MEDIF для {carrier} нужна до {at}");
        public static string MedifLate => Pick("late", "срок прошёл");
        public static string Departs => Pick("Departs", "Отправление");
        public static string Route => Pick("Route", "Маршрут");
        public static string Carrier => Pick("Carrier", "Перевозчик");
        public static string CancelledBecause(string reason) => Pick($"Cancelled: {reason}", $"Отменён: {reason}");

        // Clinics near the case.
        public static string ClinicsIntro(string place) => Pick($"Clinics of the network near {place}, best first (distance and quality).",
            $"Клиники сети рядом с местом дела ({place}), сначала лучшие (по расстоянию и качеству).");
        public static string Specialty => Pick("Specialty", "Специальность");
        public static string AnySpecialty => Pick("Any specialty", "Любая специальность");
        public static string Need => Pick("Urgency", "Срочность");
        public static string AnyNeed => Pick("Any", "Любая");
        public static string CareKind => Pick("Care", "Вид помощи");
        public static string AnyCare => Pick("Any", "Любой");
        public static string Care(string care) => care switch
        {
            "inpatient" => Pick("Inpatient", "Стационар"),
            "outpatient" => Pick("Outpatient", "Амбулаторно"),
            _ => care,
        };
        public static readonly IReadOnlyList<string> CareKinds = ["inpatient", "outpatient"];
        public static readonly IReadOnlyList<string> Needs = ["emergency", "urgent", "planned"];
        public static string DirectBillingOnly => Pick("Only clinics billing us directly", "Только с прямым расчётом");
        public static string Search => Pick("Find clinics", "Найти клиники");
        public static string Km(double km) => Pick($"{km:0.#} km", $"{km.ToString("0.#", CultureInfo.GetCultureInfo("ru-RU"))} км");
        public static string Quality(int score) => Pick($"quality {score}/100", $"качество {score}/100");
        public static string OpenNow => Pick("open now", "открыта сейчас");
        public static string ClosedNow => Pick("closed now", "сейчас закрыта");
        public static string Admits247 => Pick("admits 24/7", "круглосуточно");
        public static string DirectBilling => Pick("direct billing", "прямой расчёт");
        public static string NoClinics => Pick("No clinic of the network qualifies near the case.", "Рядом с местом дела подходящих клиник сети нет.");
        public static string ClinicPlaceUnknown(string place) => Pick(
            $"The clinic network has no clinic on record in {place}, or has not heard of the case yet.",
            $"В сети нет клиник в месте дела ({place}), или сеть ещё не получила сведения о деле.");
        public static string Distance => Pick("Distance", "Расстояние");
        public static string SpecialtyName(string code) => code switch
        {
            "general-medicine" => Pick("General medicine", "Общая практика"),
            "emergency" => Pick("Emergency medicine", "Неотложная помощь"),
            "internal-medicine" => Pick("Internal medicine", "Терапия"),
            "cardiology" => Pick("Cardiology", "Кардиология"),
            "orthopaedics" => Pick("Orthopaedics", "Ортопедия"),
            "traumatology" => Pick("Traumatology", "Травматология"),
            "surgery" => Pick("Surgery", "Хирургия"),
            "paediatrics" => Pick("Paediatrics", "Педиатрия"),
            "obstetrics" => Pick("Obstetrics", "Акушерство"),
            "gynaecology" => Pick("Gynaecology", "Гинекология"),
            "dentistry" => Pick("Dentistry", "Стоматология"),
            "ophthalmology" => Pick("Ophthalmology", "Офтальмология"),
            "otolaryngology" => Pick("Otolaryngology (ENT)", "Оториноларингология (ЛОР)"),
            "dermatology" => Pick("Dermatology", "Дерматология"),
            "neurology" => Pick("Neurology", "Неврология"),
            "psychiatry" => Pick("Psychiatry", "Психиатрия"),
            "urology" => Pick("Urology", "Урология"),
            "gastroenterology" => Pick("Gastroenterology", "Гастроэнтерология"),
            "pulmonology" => Pick("Pulmonology", "Пульмонология"),
            "infectious-diseases" => Pick("Infectious diseases", "Инфекционные болезни"),
            "radiology" => Pick("Radiology", "Радиология"),
            "intensive-care" => Pick("Intensive care", "Реанимация и интенсивная терапия"),
            _ => code,
        };
        public static readonly IReadOnlyList<string> Specialties =
        [
            "general-medicine", "emergency", "internal-medicine", "cardiology", "orthopaedics", "traumatology", "surgery",
            "paediatrics", "obstetrics", "gynaecology", "dentistry", "ophthalmology", "otolaryngology", "dermatology",
            "neurology", "psychiatry", "urology", "gastroenterology", "pulmonology", "infectious-diseases", "radiology",
            "intensive-care",
        ];

        public static string Money(decimal amount, string? currency) =>
            $"{amount.ToString("N2", Russian ? CultureInfo.GetCultureInfo("ru-RU") : CultureInfo.InvariantCulture)} {currency}".TrimEnd();

        public static string Date(DateOnly date) =>
            date.ToString(Russian ? "dd.MM.yyyy" : "d MMM yyyy", Russian ? CultureInfo.GetCultureInfo("ru-RU") : CultureInfo.GetCultureInfo("en-GB"));
    }
}
