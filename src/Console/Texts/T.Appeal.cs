namespace Platform.Console.Texts;

// The New appeal screen: a coordinator registers a call and reads the caller the answer before hanging up.
public static partial class T
{
    public static string AppealIntro => Pick(
        "Someone is on the line: find the insured, note who is calling and what happened, register, then read them the answer before you hang up.",
        "На линии звонящий: найдите застрахованного, запишите, кто звонит и что случилось, зарегистрируйте обращение и до конца разговора сообщите ответ.");
    // Finding the insured.
    public static string AppealFindInsured => Pick("Find the insured", "Поиск застрахованного");
    public static string AppealSearchLabel => Pick("Policy number or insured's surname", "Номер полиса или фамилия застрахованного");
    public static string AppealSearchHelp => Pick("The beginning is enough; Enter searches.", "Достаточно начала; Enter — найти.");
    public static string AppealSearchBorn => Pick("Date of birth (to narrow)", "Дата рождения (уточнить)");
    public static string AppealSearch => Pick("Find", "Найти");
    public static string AppealSearchTooShort => Pick("Type at least 2 characters.", "Введите не меньше 2 символов.");
    public static string AppealNoMatches => Pick(
        "No policy found. You can still register: enter the insured's full name and date of birth, and the cover is checked by them.",
        "Полис не найден. Обращение всё равно можно зарегистрировать: укажите ФИО и дату рождения застрахованного, покрытие проверят по ним.");
    public static string AppealUseAsInsured => Pick("Register without a policy", "Регистрировать без полиса");
    public static string AppealMatches(int count) => Pick($"Matches: {count}", $"Найдено: {count}");
    public static string AppealMoreMatches(int shown) => Pick($"Only the first {shown} policies are shown; type more to narrow.",
        $"Показаны первые {shown} полисов; уточните запрос.");
    public static string AppealBornFilteredOut(int count) => Pick(
        $"{count} more match the search but not the date of birth.",
        $"Ещё {count} подходят по запросу, но не по дате рождения.");
    public static string AppealPolicy => Pick("Policy", "Полис");
    public static string AppealPlan => Pick("Plan", "Программа");
    public static string AppealPeriod => Pick("Period", "Срок действия");
    public static string AppealTerritory => Pick("Territory", "Территория");
    public static string AppealPerson => Pick("Insured person", "Застрахованный");
    public static string AppealBorn => Pick("Born", "Дата рождения");
    public static string AppealChoose => Pick("Choose", "Выбрать");
    public static string AppealChosen(string policy, string name) => Pick($"Chosen: {name}, policy {policy}", $"Выбран: {name}, полис {policy}");
    public static string AppealPeriodText(DateOnly start, DateOnly end) => $"{DayOf(start)} – {DayOf(end)}";
    public static string AppealPolicyExpired => Pick("expired", "истёк");
    public static string AppealPolicyNotStarted => Pick("not started yet", "ещё не начался");

    // The form.
    public static string AppealCallerSection => Pick("Who is calling", "Кто звонит");
    public static string AppealCallerName => Pick("Caller's name", "Имя звонящего");
    public static string AppealRelation => Pick("Relation to the insured", "Кем приходится застрахованному");
    public static string AppealChooseRelation => Pick("— choose —", "— выберите —");
    public static string AppealPhone => Pick("Phone", "Телефон");
    public static string AppealPhoneHelp => Pick("With the country code: +7 916 555-01-02", "С кодом страны: +7 916 555-01-02");
    public static string AppealEmail => Pick("E-mail", "Эл. почта");
    public static string AppealLanguage => Pick("Caller's language", "Язык звонящего");
    public static string AppealLanguageOther => Pick("Another language…", "Другой язык…");
    public static string AppealLanguageCode => Pick("Language code (ISO 639-1)", "Код языка (ISO 639-1)");
    public static string AppealLanguageHelp => Pick("The next steps are told in Russian or English; other languages get English.",
        "Дальнейшие шаги сообщаются на русском или английском; для других языков — на английском.");
    public static string AppealTimeZone => Pick("Caller's time zone (optional)", "Часовой пояс звонящего (необязательно)");
    public static string AppealTimeZoneHelp => Pick("Such as Europe/Moscow. When empty: from the phone number, else from the country.",
        "Например, Europe/Moscow. Если пусто — по номеру телефона, иначе по стране.");
    public static string AppealMayReceiveMedical => Pick("The insured allows this caller to be told medical details",
        "Застрахованный разрешил сообщать этому лицу медицинские сведения");

    public static string AppealInsuredSection => Pick("The insured", "Застрахованный");
    public static string AppealPolicyNumber => Pick("Policy number", "Номер полиса");
    public static string AppealPolicyNumberHelp => Pick("Empty when unknown: then the date of birth is needed.",
        "Если номер неизвестен, оставьте пустым — тогда нужна дата рождения.");
    public static string AppealFullName => Pick("Full name", "ФИО");
    public static string AppealDateOfBirth => Pick("Date of birth", "Дата рождения");

    public static string AppealLocationSection => Pick("Where the insured is", "Где находится застрахованный");
    public static string AppealCountry => Pick("Country (ISO code)", "Страна (код ISO)");
    public static string AppealCountryHelp => Pick("Two letters: TR, US, TH, AE…", "Две латинские буквы: TR, US, TH, AE…");
    public static string AppealCity => Pick("City", "Город");
    public static string AppealAddress => Pick("Address, hotel or clinic", "Адрес, отель или клиника");

    public static string AppealWhatSection => Pick("What happened", "Что случилось");
    public static string AppealDescription => Pick("Description", "Описание");
    public static string AppealDescriptionHelp => Pick("Symptoms, since when, where the insured is now, what the clinic asks.",
        "Симптомы, с какого времени, где сейчас застрахованный, что просит клиника.");
    public static string AppealChannel => Pick("Channel", "Канал");
    public static string AppealUrgency => Pick("Urgency", "Срочность");
    public static string AppealUrgencyAuto => Pick("By triage", "По сортировке");
    public static string AppealEventDate => Pick("Date of the event", "Дата события");
    public static string AppealEventDateHelp => Pick("Today when empty.", "Если пусто — сегодня.");
    public static string AppealRegister => Pick("Register the appeal", "Зарегистрировать обращение");
    public static string AppealRegistering => Pick("Registering…", "Регистрация…");

    // Checks before sending (the same rules as Intake's).
    public static string AppealRequired => Pick("Required.", "Обязательное поле.");
    public static string AppealTooLong(int max) => Pick($"At most {max} characters.", $"Не больше {max} символов.");
    public static string AppealEmailInvalid => Pick("This is not an e-mail address.", "Это не адрес электронной почты.");
    public static string AppealLanguageInvalid => Pick("Two lower-case Latin letters, such as de or tr.", "Две строчные латинские буквы, например de или tr.");
    public static string AppealTimeZoneInvalid => Pick("Unknown time zone; use an id such as Europe/Moscow.",
        "Неизвестный часовой пояс; укажите, например, Europe/Moscow.");
    public static string AppealPhoneOrEmail => Pick("A phone number or an e-mail address is needed to call back.",
        "Для обратной связи нужен телефон или адрес электронной почты.");
    public static string AppealBornNeeded => Pick("Without a policy number the insured is found by name and date of birth.",
        "Без номера полиса застрахованного ищут по ФИО и дате рождения.");
    public static string AppealCountryInvalid => Pick("Two Latin letters, such as US.", "Две латинские буквы, например US.");
    public static string AppealDateInvalid => Pick("Enter a date.", "Укажите дату.");

    public static string AppealRelationName(string relation) => relation switch
    {
        "insured" => Pick("the insured themself", "сам застрахованный"),
        "daughter" => Pick("daughter", "дочь"),
        "son" => Pick("son", "сын"),
        "spouse" => Pick("spouse", "супруг(а)"),
        "parent" => Pick("parent", "отец или мать"),
        "sibling" => Pick("brother or sister", "брат или сестра"),
        "relative" => Pick("another relative", "другой родственник"),
        "clinic-doctor" => Pick("doctor of the clinic", "врач клиники"),
        "other" => Pick("someone else", "другое лицо"),
        _ => relation,
    };

    // The answer to read out.
    public static string AppealAnswerTitle => Pick("Tell the caller before you hang up", "Сообщите звонящему до конца разговора");
    public static string AppealRegisteredAt(string at) => Pick($"Appeal registered {at}", $"Обращение зарегистрировано {at}");
    public static string AppealCallbackTitle => Pick("We call back", "Обратный звонок");
    public static string AppealCallerTime => Pick("Caller's time", "Время звонящего");
    public static string AppealYourTime => Pick("Your time", "Ваше время");
    public static string AppealCallbackTo(string phone) => Pick($"to {phone}", $"на номер {phone}");
    public static string AppealZoneSource(string source) => source switch
    {
        "explicit" => Pick("as the caller gave it", "указан звонящим"),
        "phone" => Pick("by the phone number", "по номеру телефона"),
        "phone-country-capital" => Pick("the capital of the phone number's country", "столица страны номера телефона"),
        "location" or "country-capital" or "country" => Pick("by the country the insured is in", "по стране, где находится застрахованный"),
        "utc" => Pick("nothing to go on: UTC", "определить не удалось: UTC"),
        _ => source,
    };
    public static string AppealCoverageTitle => Pick("Cover", "Покрытие");
    public static string AppealCoverageReason(string code) => code switch
    {
        "policy-not-found" => Pick("No policy was found by the number, nor by name and date of birth.",
            "Полис не найден ни по номеру, ни по ФИО и дате рождения."),
        "not-valid-on-date" => Pick("The event is outside the policy's period.", "Событие вне срока действия полиса."),
        "territory-not-covered" => Pick("The country is outside the policy's territory.", "Страна не входит в территорию действия полиса."),
        "risk-excluded" => Pick("The policy excludes this kind of event.", "Полис исключает такой случай."),
        "risk-not-covered" => Pick("The policy does not list this kind of event.", "Такой случай не указан в полисе."),
        "insured-not-on-policy" => Pick("The person is not among the insured of this policy.", "Этого человека нет среди застрахованных по полису."),
        "policy-number-not-found" => Pick("The policy number is unknown, but the name and date of birth match a policy.",
            "Номер полиса неизвестен, но ФИО и дата рождения совпадают с полисом."),
        "several-policies-match" => Pick("Several policies of the person match.", "Подходят несколько полисов этого человека."),
        _ => code,
    };
    public static string AppealCoverageDetail(string? detail) => detail switch
    {
        "expired" => Pick("the policy has expired", "полис истёк"),
        "not-yet-started" => Pick("the policy has not started yet", "полис ещё не начал действовать"),
        null or "" => "",
        _ => detail,
    };
    public static string AppealNextStepsTitle => Pick("Next steps: read them out", "Дальнейшие шаги: зачитайте их");
    public static string AppealNextStepsLanguage(string language) => Pick($"In the caller's language ({language})", $"На языке звонящего ({language})");
    public static string AppealTriageTitle => Pick("Urgency", "Срочность");
    /// <summary>Intake's triage reasons (English), as the person reads them.</summary>
    public static string AppealTriageReason(string reason)
    {
        if (reason.StartsWith("default for the ", StringComparison.Ordinal) && reason.EndsWith(" channel", StringComparison.Ordinal))
        {
            var channel = ChannelName(reason["default for the ".Length..^" channel".Length]);
            return Pick($"the default for the {channel} channel", $"по умолчанию для канала «{channel}»");
        }
        if (reason.StartsWith("red flag: ", StringComparison.Ordinal))
            return Pick(reason, $"тревожный признак: {reason["red flag: ".Length..]}");
        return reason switch
        {
            "level chosen at intake" => Pick("the level chosen at registration", "уровень выбран при регистрации"),
            "a clinic's doctor is calling" => Pick(reason, "звонит врач клиники"),
            "call on the emergency line" => Pick(reason, "звонок на экстренную линию"),
            _ => reason,
        };
    }
    public static string AppealCaseJoined => Pick("The call joined the insured's open case.", "Звонок добавлен к открытому делу застрахованного.");
    public static string AppealCaseLate => Pick("The case has not opened yet; it will appear in the work queue.",
        "Дело ещё не открылось; оно появится в очереди обращений.");
    public static string AppealOpenCase(string number) => Pick($"Open case {number}", $"Открыть дело {number}");
    public static string AppealAnother => Pick("Register another appeal", "Зарегистрировать ещё одно обращение");

    /// <summary>A date as "05.12.2026" / "5 Dec 2026".</summary>
    public static string DayOf(DateOnly date) =>
        date.ToString(Russian ? "dd.MM.yyyy" : "d MMM yyyy", System.Globalization.CultureInfo.CurrentCulture);
}
