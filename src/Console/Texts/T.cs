using System.Globalization;

namespace Platform.Console.Texts;

/// <summary>
/// Every text of the console, in English and Russian side by side, picked by the person's language (the request
/// culture, chosen in the top bar and kept in a cookie). A text cannot exist in one language only: each is one call
/// with both. Screens keep their texts in their own partial file (T.Queue.cs, T.Case.cs, ...).
/// </summary>
public static partial class T
{
    public static readonly IReadOnlyList<string> Languages = ["ru", "en"];

    public static bool Russian => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "ru";

    public static string Language => Russian ? "ru" : "en";

    /// <summary>The English or the Russian text, by the person's language.</summary>
    public static string Pick(string en, string ru) => Russian ? ru : en;

    public static string Product => Pick("Medical assistance console", "Консоль медицинского ассистанса");
    public static string SignIn => Pick("Sign in", "Войти");
    public static string SignOut => Pick("Sign out", "Выйти");
    public static string SignInTitle => Pick("Sign in to the console", "Вход в консоль");
    public static string SignInWithProvider => Pick("Sign in with your company account", "Войти через учётную запись компании");
    public static string DevSignInNote => Pick(
        "Development sign-in: no identity provider is configured, so the console issues a development staff token for the name, organisation and roles you give.",
        "Вход для разработки: поставщик удостоверений не настроен, поэтому консоль выпускает токен сотрудника для разработки с указанными именем, организацией и ролями.");
    public static string YourName => Pick("Your name (login)", "Ваше имя (логин)");
    public static string Organisation => Pick("Organisation (tenant)", "Организация (тенант)");
    public static string RolesLabel => Pick("Roles", "Роли");
    public static string NoSignInMethod => Pick(
        "No way to sign in is configured: set Auth:Oidc (an identity provider) or, for development, Console:DevSignIn with Auth:Jwt:SigningKey.",
        "Вход не настроен: укажите Auth:Oidc (поставщик удостоверений) или, для разработки, Console:DevSignIn и Auth:Jwt:SigningKey.");
    public static string NotStaff => Pick(
        "This console is for the staff who work cases. An insurer's or a clinic's credential cannot open it; insurers use the API.",
        "Консоль предназначена для сотрудников, ведущих дела. Учётные данные страховщика или клиники её не открывают; страховщики работают через API.");
    public static string NoTenant => Pick("The account names no organisation (tenant); ask an administrator to add one.",
        "В учётной записи не указана организация (тенант); обратитесь к администратору.");
    public static string NameRequired => Pick("Enter your name.", "Укажите имя.");
    public static string TenantInvalid => Pick("The organisation is a short Latin name such as acme (letters, digits, hyphens).",
        "Организация — короткое латинское имя, например acme (буквы, цифры, дефисы).");
    public static string RoleRequired => Pick("Choose at least one role.", "Выберите хотя бы одну роль.");
    public static string SessionEnded => Pick("Your session has ended. Sign in again.", "Сеанс завершён. Войдите снова.");

    public static string RoleName(string role) => role switch
    {
        "coordinator" => Pick("Coordinator", "Координатор"),
        "doctor" => Pick("Doctor", "Врач"),
        "supervisor" => Pick("Supervisor", "Супервизор"),
        "admin" => Pick("Administrator", "Администратор"),
        "oms-tier1" => Pick("OMS representative, tier 1", "Страховой представитель 1 уровня"),
        "oms-tier2" => Pick("OMS representative, tier 2", "Страховой представитель 2 уровня"),
        "oms-tier3" => Pick("OMS representative, tier 3 (expert)", "Страховой представитель 3 уровня (эксперт)"),
        "oms-supervisor" => Pick("OMS contact-centre supervisor", "Руководитель контакт-центра СМО"),
        _ => role,
    };

    // Navigation and the frame.
    public static string WorkQueue => Pick("Work queue", "Очередь обращений");
    public static string NewAppeal => Pick("New appeal", "Новое обращение");
    public static string Cases => Pick("Cases", "Дела");
    public static string SupervisorBoard => Pick("Supervisor board", "Панель супервизора");
    public static string Oms => Pick("OMS", "ОМС");
    public static string LanguageName(string code) => code == "ru" ? "Русский" : "English";
    public static string TimesIn(string zone) => Pick($"Times in {zone}", $"Время: {zone}");
    public static string Loading => Pick("Loading…", "Загрузка…");
    public static string Refresh => Pick("Refresh", "Обновить");
    public static string Nothing => Pick("Nothing here.", "Пусто.");
    public static string Close => Pick("Close", "Закрыть");
    public static string Cancel => Pick("Cancel", "Отмена");
    public static string Save => Pick("Save", "Сохранить");
    public static string NotFoundPage => Pick("There is no such page.", "Такой страницы нет.");
    public static string FormExpired => Pick("The form could not be accepted (it may have expired). Go back, reload the page and try again.",
        "Форму не удалось принять (возможно, она устарела). Вернитесь, обновите страницу и повторите.");
    public static string Unexpected => Pick("Something went wrong on this screen. Reload the page; if it happens again, tell the support team the time.",
        "На этом экране произошла ошибка. Обновите страницу; если повторится, сообщите в поддержку время ошибки.");
    public static string Reload => Pick("Reload", "Обновить страницу");
    public static string ErrorReference(string id) => Pick($"Reference for support: {id}", $"Номер для поддержки: {id}");

    // Failures of the API, as a person reads them.
    public static string GatewayUnreachable => Pick("The platform cannot be reached. Check the connection and try again in a minute.",
        "Платформа недоступна. Проверьте связь и повторите через минуту.");
    public static string CheckFields => Pick("Please correct the highlighted fields.", "Исправьте отмеченные поля.");
    public static string NotAllowed => Pick("Your role does not allow this.", "Ваша роль не позволяет это сделать.");
    public static string NotFound => Pick("Not found: it does not exist or belongs to another organisation.",
        "Не найдено: такой записи нет или она принадлежит другой организации.");
    public static string Conflict => Pick("Someone else changed this first.", "Кто-то уже изменил это раньше вас.");
    public static string TooManyRequests => Pick("Too many requests from your organisation; wait a minute and try again.",
        "Слишком много запросов от вашей организации; подождите минуту и повторите.");
    public static string ServiceDown => Pick("The service is not answering right now. Nothing was changed; try again in a minute.",
        "Сервис сейчас не отвечает. Ничего не изменено; повторите через минуту.");
    public static string Refused => Pick("The request was refused.", "Запрос отклонён.");
}
