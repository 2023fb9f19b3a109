namespace Platform.Console.Texts;

// The supervisor's board (/supervisor): service level, appeals per hour and channel, overdue work and its reassignment,
// the coordinators' load.
public static partial class T
{
    public static string BoardIntro => Pick(
        "How the promises to callers are kept, where the appeals come from, what is overdue now and who carries the load. The board refreshes itself.",
        "Как выполняются обещания звонящим, откуда приходят обращения, что просрочено сейчас и какова нагрузка на координаторов. Панель обновляется сама.");
    // Service level.
    public static string BoardLastDay => Pick("Last 24 hours", "Последние 24 часа");
    public static string BoardLastWeek => Pick("Last 7 days", "Последние 7 дней");
    public static string BoardCallbacksOnTime => Pick("Callbacks on time", "Перезвоны в срок");
    public static string BoardControlCallsOnTime => Pick("Control calls on time", "Контрольные звонки в срок");
    public static string BoardNoneDue => Pick("none due yet", "пока не было");
    public static string BoardTimelinessDetail(long onTime, long late, long overdue, long notYetDue) => Pick(
        $"{onTime} on time · {late} late · {overdue} overdue · {notYetDue} not yet due",
        $"в срок: {onTime} · с опозданием: {late} · просрочено: {overdue} · срок не наступил: {notYetDue}");
    public static string BoardFirstContact => Pick("Time to first contact", "Время до первого контакта");
    public static string BoardNoContactYet => Pick("no callback made yet", "перезвонов ещё не было");
    public static string BoardMedianP90(string median, string p90) => Pick($"median {median} · 90% within {p90}", $"медиана {median} · 90% — за {p90}");
    public static string BoardContacted(long contacted, long opened) => Pick($"{contacted} of {opened} cases opened were called back",
        $"перезвонили по {contacted} из {opened} открытых дел");
    public static string BoardMinutes(double? minutes) => minutes switch
    {
        null => "—",
        < 60 => Pick($"{minutes:0} min", $"{minutes:0} мин"),
        _ => Pick($"{(int)(minutes / 60)} h {(int)(minutes % 60):00} min", $"{(int)(minutes / 60)} ч {(int)(minutes % 60):00} мин"),
    };
    public static string BoardOverdueNow => Pick("Tasks overdue now", "Просрочено задач сейчас");
    public static string BoardEscalated(long escalated) => Pick($"{escalated} escalated in the period", $"эскалировано за период: {escalated}");

    // Appeals per hour and channel.
    public static string BoardAppeals => Pick("Appeals per hour and channel", "Обращения по часам и каналам");
    public static string BoardAppealsTotal(long total) => Pick($"{total} appeals", $"обращений: {total}");
    public static string BoardNoAppeals => Pick("No appeals in this period.", "За этот период обращений не было.");
    public static string BoardHoursIn(string zone) => Pick($"Hours in {zone}", $"Часы: {zone}");
    public static string BoardAppealsChartLabel(string period) => Pick($"Appeals per hour and channel, {period}", $"Обращения по часам и каналам, {period}");

    // Overdue work.
    public static string BoardOverdue => Pick("Overdue tasks", "Просроченные задачи");
    public static string BoardNoOverdue => Pick("Nothing is overdue.", "Просроченных задач нет.");
    public static string BoardTask => Pick("Task", "Задача");
    public static string BoardOwner => Pick("With", "Исполнитель");
    public static string BoardNobody => Pick("nobody", "не назначен");
    public static string BoardDue => Pick("Was due", "Срок");
    public static string BoardEscalatedTo(string to) => Pick($"escalated to {to}", $"эскалировано: {to}");
    public static string BoardReassignTask => Pick("Reassign task", "Передать задачу");
    public static string BoardReassignCase => Pick("Hand over case", "Передать дело");
    public static string BoardReassignTaskTitle(string title, string number) => Pick($"Give «{title}» (case {number}) to", $"Передать задачу «{title}» (дело {number})");
    public static string BoardReassignCaseTitle(string number) => Pick($"Hand over case {number} to", $"Передать дело {number}");
    public static string BoardReassignTo => Pick("Coordinator (login)", "Координатор (логин)");
    public static string BoardReassignReason => Pick("Reason (optional)", "Причина (необязательно)");
    public static string BoardHandoverNote => Pick("Note for the new coordinator (optional)", "Комментарий для нового координатора (необязательно)");
    public static string BoardCaseMovesCalls => Pick("The case's open callbacks and control calls go with it.",
        "Открытые перезвоны и контрольные звонки по делу перейдут вместе с ним.");
    public static string BoardConfirmReassign => Pick("Reassign", "Передать");
    public static string BoardConfirmHandover => Pick("Hand over", "Передать дело");
    public static string BoardOwnerRequired => Pick("Enter the login of the person to give it to.", "Укажите логин сотрудника, которому передаёте.");
    public static string BoardTooLong(int max) => Pick($"At most {max} characters.", $"Не длиннее {max} символов.");
    public static string BoardPlainText => Pick("Control characters are not allowed.", "Управляющие символы недопустимы.");
    public static string BoardSameOwner => Pick("The task is already with this person.", "Задача уже у этого сотрудника.");
    public static string BoardTaskReassigned(string title, string number, string owner) => Pick(
        $"Task «{title}» of case {number} is now with {owner}.", $"Задача «{title}» по делу {number} передана: {owner}.");
    public static string BoardCaseHandedOver(string number, string coordinator) => Pick(
        $"Case {number} is now with {coordinator}, with its open callbacks and control calls.",
        $"Дело {number} передано: {coordinator}, вместе с открытыми перезвонами и контрольными звонками.");
    public static string BoardTaskGone => Pick("This task is no longer overdue or open; the list has been refreshed.",
        "Эта задача уже не просрочена или закрыта; список обновлён.");

    // Load.
    public static string BoardLoad => Pick("Load per coordinator", "Нагрузка на координаторов");
    public static string BoardCoordinator => Pick("Coordinator", "Координатор");
    public static string BoardOpenCases => Pick("Open cases", "Открытых дел");
    public static string BoardHospitalised => Pick("In hospital", "В стационаре");
    public static string BoardOverdueTasks => Pick("Overdue tasks", "Просроченных задач");
    public static string BoardUnassigned => Pick("Not assigned", "Без координатора");
    public static string BoardNoLoad => Pick("No open cases have a coordinator.", "Ни у одного открытого дела нет координатора.");

    public static string BoardTaskKind(string kind) => kind switch
    {
        "callback" => Pick("Callback", "Перезвон"),
        "control-call" => Pick("Control call", "Контрольный звонок"),
        "document-chase" => Pick("Documents to chase", "Запрос документов"),
        "coverage-warning" => Pick("Coverage warning", "Предупреждение о лимите"),
        "extension-warning" => Pick("Policy ends during treatment", "Полис истекает во время лечения"),
        "pass-on-message" => Pick("Message to pass on by phone", "Передать сообщение по телефону"),
        "medif" => Pick("MEDIF for the airline", "MEDIF для авиакомпании"),
        "other" => Pick("Other", "Другое"),
        _ => kind,
    };
}
