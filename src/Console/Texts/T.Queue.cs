namespace Platform.Console.Texts;

public static partial class T
{
    public static string QueueIntro => Pick("Open appeals, most urgent and earliest promised callback first. New appeals appear here by themselves.",
        "Открытые обращения: сначала самые срочные и с самым ранним обещанным звонком. Новые обращения появляются сами.");
    public static string Urgency => Pick("Urgency", "Срочность");
    public static string Registered => Pick("Registered", "Поступило");
    public static string CallbackDue => Pick("Callback promised", "Обещан звонок");
    public static string Insured => Pick("Insured", "Застрахованный");
    public static string Caller => Pick("Caller", "Звонящий");
    public static string Where => Pick("Where", "Где");
    public static string What => Pick("What happened", "Что случилось");
    public static string CaseLabel => Pick("Case", "Дело");
    public static string State => Pick("State", "Состояние");
    public static string Take => Pick("Take", "Взять");
    public static string Open => Pick("Open", "Открыть");
    public static string Done => Pick("Handled", "Обработано");
    public static string QueueEmpty => Pick("The queue is empty.", "Очередь пуста.");
    public static string CaseOpening => Pick("the case is being opened…", "дело открывается…");
    public static string TakenBy(string who) => Pick($"taken by {who}", $"взято: {who}");
    public static string Waiting => Pick("waiting", "ожидает");
    public static string TakenNowOpen(string number) => Pick($"You took the appeal. Case {number} is open.", $"Вы взяли обращение. Открыто дело {number}.");
    public static string TakenCaseSoon => Pick("You took the appeal; its case is being opened and will show here in a moment.",
        "Вы взяли обращение; дело открывается и скоро появится здесь.");
    public static string LiveUpdated(string at) => Pick($"Live · updated {at}", $"Обновляется · {at}");

    public static string TriageName(string level) => level switch
    {
        "emergency" => Pick("Emergency", "Экстренно"),
        "urgent" => Pick("Urgent", "Срочно"),
        "planned" => Pick("Planned", "Планово"),
        "telemedicine" => Pick("Telemedicine", "Телемедицина"),
        _ => level,
    };

    public static string ChannelName(string channel) => channel switch
    {
        "phone" => Pick("phone", "телефон"),
        "emergency-line" => Pick("emergency line", "экстренная линия"),
        "clinic-line" => Pick("clinic line", "линия клиник"),
        "chat" => Pick("chat", "чат"),
        "email" => Pick("e-mail", "эл. почта"),
        "sms" => "SMS",
        "messenger" => Pick("messenger", "мессенджер"),
        "api" => "API",
        _ => channel,
    };

    public static string CoverageName(string status) => status switch
    {
        "covered" => Pick("covered", "покрыто"),
        "not-covered" => Pick("not covered", "не покрыто"),
        "needs-review" => Pick("needs review", "требует проверки"),
        _ => status,
    };
}
