using System.Globalization;
using Platform.Contracts;
using Platform.Repatriation.Plans;

namespace Platform.Repatriation.Fitness;

/// <summary>
/// What fitness to fly says to a coordinator or a doctor, in English or Russian (any other language gets English):
/// the warnings about a planned flight, the facts no rule assesses, the names of the modes and procedures. The rule's
/// condition and source are quoted as the table has them (in English, as the guidance is); a diagnosis is named by its
/// code and the doctor's own words. Dates are ISO in English and dd.MM.yyyy in Russian.
/// </summary>
public static class FitnessTexts
{
    private static readonly Dictionary<string, (string English, string Russian)> Modes = new()
    {
        [TransportModes.CommercialSeated] = ("a seated commercial flight", "обычный рейс, сидя"),
        [TransportModes.CommercialExtraSeats] = ("a commercial flight with extra seats", "обычный рейс с дополнительными местами"),
        [TransportModes.CommercialBusinessFlat] = ("a commercial flight lying flat in business class", "обычный рейс лёжа в бизнес-классе"),
        [TransportModes.CommercialStretcher] = ("a stretcher on a commercial flight", "обычный рейс на носилках"),
        [TransportModes.AirAmbulance] = ("an air ambulance", "санитарный самолёт"),
        [TransportModes.GroundAmbulance] = ("a ground ambulance", "наземная скорая"),
        [TransportModes.Remains] = ("transport of remains", "перевозка тела"),
    };

    private static readonly Dictionary<string, (string English, string Russian)> Procedures = new(StringComparer.OrdinalIgnoreCase)
    {
        [ProcedureCodes.Pci] = ("PCI (coronary stent)", "ЧКВ (стентирование коронарных артерий)"),
        [ProcedureCodes.Cabg] = ("CABG (coronary bypass)", "АКШ (аортокоронарное шунтирование)"),
        [ProcedureCodes.ChestDrain] = ("chest drain", "дренирование плевральной полости"),
        [ProcedureCodes.AbdominalSurgery] = ("abdominal surgery", "полостная операция на брюшной полости"),
        [ProcedureCodes.LaparoscopicSurgery] = ("laparoscopic surgery", "лапароскопическая операция"),
        [ProcedureCodes.PlasterCast] = ("plaster cast", "гипсовая повязка"),
        [ProcedureCodes.Pacemaker] = ("pacemaker implantation", "имплантация кардиостимулятора"),
        [ProcedureCodes.EyeSurgery] = ("eye surgery", "операция на глазу"),
    };

    private sealed record Text(string English, string Russian);

    private static readonly Text TooEarly = new(
        "{fact} {counted} {from}: {mode} from {earliest}; the flight on {flight} is too early ({condition}; {source})",
        "{fact} {counted} {from}: {mode} — не раньше {earliest}; перелёт {flight} слишком рано ({condition}; {source})");
    private static readonly Text UntilStable = new(
        "{fact}: {mode} not until the treating doctor finds the condition stable; the flight on {flight} cannot be confirmed ({condition}; {source})",
        "{fact}: {mode} — только когда лечащий врач признает состояние стабильным; перелёт {flight} подтвердить нельзя ({condition}; {source})");
    private static readonly Text NotDrained = new(
        "{fact}: no drainage is recorded; {mode} not until the pneumothorax has been drained and has resolved, then after the days the rule gives; the flight on {flight} is too early ({condition}; {source})",
        "{fact}: дренирование не записано; {mode} — только после дренирования и расправления лёгкого и положенного срока; перелёт {flight} слишком рано ({condition}; {source})");
    private static readonly Text BeforeDischarge = new(
        "The flight on {flight} is before the expected discharge on {discharge}: the patient is still in hospital; before discharge only an air or ground ambulance may move them, from hospital to hospital",
        "Перелёт {flight} раньше ожидаемой выписки {discharge}: пациент ещё в больнице; до выписки перевезти его можно только санитарным самолётом или скорой, из больницы в больницу");
    private static readonly Text PregnancyTooAdvanced = new(
        "Pregnancy: {weeks} weeks on {flight}, the flight's date; {mode} only before {limit} weeks, the last day being {last} ({condition}; {source})",
        "Беременность: {weeks} нед. на дату перелёта {flight}; {mode} — только до {limit} нед., последний день {last} ({condition}; {source})");
    private static readonly Text HaemoglobinTooLow = new(
        "Haemoglobin {value} g/dl is below {limit} g/dl: {mode} not until it is corrected; the flight on {flight} cannot be confirmed ({condition}; {source})",
        "Гемоглобин {value} г/дл ниже {limit} г/дл: {mode} — только после коррекции; перелёт {flight} подтвердить нельзя ({condition}; {source})");
    private static readonly Text NotAssessedText = new(
        "{fact}: not assessed by the rules: ask the attending doctor",
        "{fact}: правила это не оценивают — спросите лечащего врача");

    private static readonly Dictionary<string, Text> Counted = new()
    {
        [CountedFrom.Event] = new("on", "от"),
        [CountedFrom.Procedure] = new("on", "от"),
        [CountedFrom.Drainage] = new("drained on", "дренирован"),
    };

    private static bool Ru(string language) => PersonLanguage.Of(language) == PersonLanguage.Russian;

    private static string Say(Text text, string language) => Ru(language) ? text.Russian : text.English;

    public static string Mode(string mode, string language) =>
        Modes.TryGetValue(mode, out var m) ? Ru(language) ? m.Russian : m.English : mode;

    public static string Date(DateOnly date, string language) =>
        date.ToString(Ru(language) ? "dd.MM.yyyy" : "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A fact as a person reads it: a procedure by its name, a diagnosis by its code and the doctor's words.</summary>
    public static string Fact(FitnessFact fact, string language) => fact.Kind switch
    {
        FitnessFact.Procedure => Procedures.TryGetValue(fact.Code, out var p) ? Ru(language) ? p.Russian : p.English : fact.Text ?? fact.Code,
        FitnessFact.Diagnosis => string.IsNullOrWhiteSpace(fact.Text) ? fact.Code : $"{fact.Code} ({fact.Text.Trim()})",
        FitnessFact.Haemoglobin => Ru(language) ? "Гемоглобин" : "Haemoglobin",
        FitnessFact.Pregnancy => Ru(language) ? "Беременность" : "Pregnancy",
        _ => fact.Code,
    };

    public static string NotAssessed(NotAssessed item, string language) =>
        PersonLanguage.Fill(Say(NotAssessedText, language),
            ("fact", Fact(new FitnessFact(item.Kind, item.Code, item.Text, null, null), language)));

    public static string Warning(FitnessWarning warning, string language)
    {
        var common = new List<(string, string?)>
        {
            ("mode", Mode(warning.Mode, language)),
            ("flight", Date(warning.FlightDate, language)),
        };
        switch (warning)
        {
            case { Reason: { } r }:
                return Fill(TooEarly, language, common,
                    ("fact", Fact(r.Fact, language)), ("counted", Say(Counted.GetValueOrDefault(r.CountedFrom, Counted[CountedFrom.Event]), language)),
                    ("from", Date(r.From, language)), ("earliest", Date(r.Until, language)), ("condition", r.Condition), ("source", r.Source));
            case { Hold: { } h }:
                var text = h.Code switch
                {
                    FitnessHolds.NotDrained => NotDrained,
                    FitnessWarnings.HaemoglobinTooLow => HaemoglobinTooLow,
                    _ => UntilStable,
                };
                return Fill(text, language, common, ("fact", Fact(h.Fact, language)), ("value", Number(h.Fact.Value, language)),
                    ("limit", Number(h.Limit, language)), ("condition", h.Condition), ("source", h.Source));
            case { Limit: { } l }:
                var weeks = l.Fact is { On: { } on, Value: { } w } ? FitnessToFly.PregnancyWeeksOn(((int)w, on), warning.FlightDate) : (int?)null;
                return Fill(PregnancyTooAdvanced, language, common, ("weeks", weeks?.ToString(CultureInfo.InvariantCulture)),
                    ("limit", Number(l.Limit, language)), ("last", Date(l.LastDate, language)), ("condition", l.Condition), ("source", l.Source));
            default:
                return Fill(BeforeDischarge, language, common, ("discharge", warning.Discharge is { } d ? Date(d, language) : null));
        }
    }

    private static string Fill(Text text, string language, List<(string, string?)> common, params (string, string?)[] values) =>
        PersonLanguage.Fill(Say(text, language), [.. common, .. values]);

    private static string? Number(decimal? value, string language) =>
        value?.ToString("0.##", Ru(language) ? CultureInfo.GetCultureInfo("ru-RU") : CultureInfo.InvariantCulture);
}
