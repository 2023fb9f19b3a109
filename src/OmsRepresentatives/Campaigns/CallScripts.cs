namespace Platform.OmsRepresentatives.Campaigns;

/// <summary>
/// What a representative says when calling a person a campaign invites: a short script per preventive measure, in
/// Russian, addressing the person by name and patronymic and naming their clinic.
/// </summary>
public static class CallScripts
{
    /// <summary>Имя и отчество from «Фамилия Имя Отчество»; the whole name when it has fewer parts.</summary>
    public static string Address(string fullName)
    {
        var parts = fullName.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 3 ? string.Join(' ', parts[1..]) : fullName;
    }

    public static string For(string kind, string fullName, int year, string? clinicCode)
    {
        var clinic = clinicCode is null ? "в поликлинике по месту прикрепления" : $"в поликлинике по месту прикрепления ({clinicCode})";
        var opening = $"Здравствуйте, {Address(fullName)}! Вас беспокоит страховой представитель вашей страховой медицинской организации по ОМС.";
        var body = kind switch
        {
            PreventiveKinds.Checkup =>
                $"В {year} году вы можете бесплатно пройти профилактический медицинский осмотр {clinic}. Это займёт немного времени и поможет вовремя заметить болезнь.",
            PreventiveKinds.Dispanserization =>
                $"В {year} году вам положена бесплатная диспансеризация {clinic}. Первый этап проходит за один-два визита.",
            PreventiveKinds.InDepth =>
                $"В {year} году вы можете бесплатно пройти углублённую диспансеризацию {clinic}: она проверяет сердце, лёгкие и кровь после перенесённой COVID-19.",
            PreventiveKinds.Dispensary =>
                $"Вы состоите на диспансерном наблюдении, и по плану поликлиники вам пора на приём к врачу {clinic}.",
            _ => PreventiveKinds.NameRu(kind) + ".",
        };
        return $"{opening} {body} Записаться можно через Госуслуги, по телефону или в регистратуре; возьмите паспорт и полис ОМС. " +
               "Если вы уже прошли обследование или не хотите, чтобы вам звонили, скажите, пожалуйста, — мы отметим это.";
    }
}
