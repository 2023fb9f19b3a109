using Platform.Repatriation.Plans;

namespace Platform.Repatriation.Fitness;

/// <summary>
/// A medical fact a rule was triggered by. <c>Kind</c>: diagnosis, procedure, haemoglobin or pregnancy; <c>Code</c>:
/// the ICD-10 or procedure code as recorded; <c>On</c>: the diagnosis's or procedure's date, the pregnancy's date of
/// record; <c>Value</c>: haemoglobin in g/dl, weeks of pregnancy on <c>On</c>.
/// </summary>
public sealed record FitnessFact(string Kind, string Code, string? Text, DateOnly? On, decimal? Value)
{
    public const string Diagnosis = "diagnosis";
    public const string Procedure = "procedure";
    public const string Haemoglobin = "haemoglobin";
    public const string Pregnancy = "pregnancy";
}

/// <summary>A wait: the fact, counted <c>MinDays</c> from <c>From</c>, allows the mode from <c>Until</c>.</summary>
public sealed record FitnessReason(
    string RuleId, FitnessFact Fact, int MinDays, string CountedFrom, DateOnly From, DateOnly Until, string Condition, string Source, string? Carrier);

/// <summary>
/// What makes the mode impossible until it is resolved, whatever the date: <c>Code</c> is
/// <see cref="FitnessHolds.UntilStable"/>, <see cref="FitnessHolds.NotDrained"/>, <see cref="FitnessWarnings.HaemoglobinTooLow"/>
/// or <see cref="FitnessWarnings.PregnancyTooAdvanced"/>. <c>Limit</c>: the rule's g/dl or weeks.
/// </summary>
public sealed record FitnessHold(string Code, string RuleId, FitnessFact Fact, decimal? Limit, string Condition, string Source, string? Carrier);

/// <summary>A last date: from <c>Reached</c> on (pregnancy at <c>Limit</c> weeks) the mode may not travel.</summary>
public sealed record FitnessLimit(string RuleId, FitnessFact Fact, decimal Limit, DateOnly Reached, string Condition, string Source, string? Carrier)
{
    public DateOnly LastDate => Reached.AddDays(-1);
}

/// <summary>
/// One mode's fitness. <c>Earliest</c>: the first date the rules and the discharge allow (never before today);
/// <c>Latest</c>: the last one (a pregnancy's limit), null when there is none; <c>Discharge</c>: the expected discharge
/// when this mode waits for it; <c>Holds</c>: what forbids the mode until resolved (the dates hold only once it is).
/// </summary>
public sealed record ModeFitness(
    string Mode,
    DateOnly Earliest,
    DateOnly? Latest,
    DateOnly? Discharge,
    IReadOnlyList<FitnessReason> Reasons,
    IReadOnlyList<FitnessLimit> Limits,
    IReadOnlyList<FitnessHold> Holds)
{
    public bool IsPossible => Holds.Count == 0 && (Latest is null || Latest >= Earliest);
}

/// <summary>A diagnosis or procedure no rule covers: the attending doctor has to say whether and when the patient may travel.</summary>
public sealed record NotAssessed(string Kind, string Code, string? Text);

public sealed record FitnessAssessment(DateOnly Today, IReadOnlyList<ModeFitness> Modes, IReadOnlyList<NotAssessed> NotAssessed)
{
    public ModeFitness For(string mode) =>
        Modes.FirstOrDefault(m => m.Mode == mode) ?? throw new ArgumentOutOfRangeException(nameof(mode), mode, "No fitness is assessed for this mode.");
}

public static class FitnessHolds
{
    /// <summary>The rule gives no number of days: not until the treating doctor finds the condition stable.</summary>
    public const string UntilStable = "until-stable";
    /// <summary>A rule counted from drainage, and no chest drain is recorded.</summary>
    public const string NotDrained = "not-drained";
}

/// <summary>
/// A warning about a planned flight, with a stable <c>Code</c> (<see cref="FitnessWarnings"/>) and what it rests on:
/// the reason (too early), the hold, the limit (pregnancy) or the discharge. <see cref="Message"/> is English;
/// <see cref="FitnessTexts.Warning"/> says it in the reader's language.
/// </summary>
public sealed record FitnessWarning(
    string Code, string Mode, DateOnly FlightDate, FitnessReason? Reason, FitnessHold? Hold, FitnessLimit? Limit, DateOnly? Discharge)
{
    public string Message => FitnessTexts.Warning(this, "en");
}

public static class FitnessWarnings
{
    public const string FlightTooEarly = "flight-too-early";
    public const string FlightBeforeDischarge = "flight-before-discharge";
    public const string PregnancyTooAdvanced = "pregnancy-too-advanced";
    public const string HaemoglobinTooLow = "haemoglobin-too-low";
}

/// <summary>
/// Fitness to fly by the rule table, per mode of <see cref="TransportModes.All"/> (remains have no rule):
/// <list type="number">
/// <item>each diagnosis (ICD-10 by prefix, with or without the dot, in any case) and procedure (by code) triggers the
///   rows that name it; per mode and per <c>applies_to</c>, the rows of the case's risk class win over those of risk
///   <c>any</c> (the case's class is the treating doctor's, <see cref="MedicalFacts.Risk"/>: low also means stable and
///   uncomplicated, as the stroke, PCI and CABG rows say);</item>
/// <item>a row with days allows the mode from its date plus the days (a pneumothorax's date is its last chest drain; no
///   drain recorded holds the mode); a row without days holds the mode until the doctor finds the condition stable;</item>
/// <item>haemoglobin below the row's limit holds the mode; a pregnancy reaches the row's week on a date that is the
///   mode's last (the weeks of record are taken as whole weeks on their date and advance by one every 7 days);</item>
/// <item>no mode leaves before the expected discharge, except an air or a ground ambulance: those are how a patient is
///   moved from hospital to hospital, bed to bed with a medical crew, and the case's discharge is the sending
///   hospital's. (A ground ambulance home before discharge is still wrong; the plan's destination, not these rules,
///   tells which it is.)</item>
/// </list>
/// The default table limits only the commercial modes: its sources give figures for airline passengers, not for an
/// air ambulance with a medical escort or a ground ambulance, for which the escorting doctor decides. A diagnosis or
/// procedure no row names is listed as not assessed, never an error. Pure: the same facts, rules and day give the same answer.
/// </summary>
public static class FitnessToFly
{
    /// <summary>The modes that may leave before the expected discharge: a transfer from hospital to hospital.</summary>
    public static readonly string[] MayLeaveBeforeDischarge = [TransportModes.AirAmbulance, TransportModes.GroundAmbulance];

    public static readonly string[] AssessedModes = [.. TransportModes.All.Where(m => m != TransportModes.Remains)];

    public static FitnessAssessment Assess(MedicalFacts facts, FitnessRules rules, string? carrier, DateOnly today)
    {
        var table = rules.For(carrier);
        var triggers = Triggers(facts, table);
        var risk = facts.Risk?.Trim().ToLowerInvariant();

        var modes = new List<ModeFitness>(AssessedModes.Length);
        foreach (var mode in AssessedModes)
        {
            var applying = triggers.Where(t => t.Rule.Modes.Contains(mode))
                .GroupBy(t => t.Rule.AppliesTo.Trim().ToLowerInvariant())
                .SelectMany(g => g.Any(t => t.Rule.Risk == risk) ? g.Where(t => t.Rule.Risk == risk) : g.Where(t => t.Rule.Risk == RuleRisks.Any));

            var reasons = new List<FitnessReason>();
            var holds = new List<FitnessHold>();
            var limits = new List<FitnessLimit>();
            foreach (var (rule, fact, from) in applying)
            {
                switch (rule.Target)
                {
                    case RuleTargets.Haemoglobin when fact.Value < rule.Limit:
                        holds.Add(Hold(FitnessWarnings.HaemoglobinTooLow, rule, fact));
                        break;
                    case RuleTargets.Pregnancy when facts.Pregnancy is { } pregnancy && rule.Limit is { } weeks:
                        var reached = pregnancy.On.AddDays((int)Math.Ceiling((weeks - pregnancy.Weeks) * 7));
                        limits.Add(new FitnessLimit(rule.Id, fact, weeks, reached, rule.Condition, rule.Source, rule.Carrier));
                        if (reached <= today) holds.Add(Hold(FitnessWarnings.PregnancyTooAdvanced, rule, fact));
                        break;
                    case RuleTargets.Diagnosis or RuleTargets.Procedure when rule.MinDays is null:
                        holds.Add(Hold(FitnessHolds.UntilStable, rule, fact));
                        break;
                    case RuleTargets.Diagnosis or RuleTargets.Procedure when from is null:
                        holds.Add(Hold(FitnessHolds.NotDrained, rule, fact));
                        break;
                    case RuleTargets.Diagnosis or RuleTargets.Procedure:
                        var start = from!.Value;
                        reasons.Add(new FitnessReason(rule.Id, fact, rule.MinDays!.Value, rule.CountedFrom, start, start.AddDays(rule.MinDays.Value),
                            rule.Condition, rule.Source, rule.Carrier));
                        break;
                }
            }

            DateOnly? discharge = !MayLeaveBeforeDischarge.Contains(mode) && facts.ExpectedDischarge is { } d ? d : null;
            var earliest = reasons.Select(r => r.Until).Append(today).Append(discharge ?? today).Max();
            DateOnly? latest = limits.Count == 0 ? null : limits.Min(l => l.LastDate);
            modes.Add(new ModeFitness(mode, earliest, latest, discharge, [.. reasons.OrderBy(r => r.Until)], limits, holds));
        }
        return new FitnessAssessment(today, modes, NotAssessedFacts(facts, table, triggers));
    }

    /// <summary>
    /// Warnings for a planned flight in a mode (the flight's date is its departure's local date; its carrier picks the
    /// carrier's rules): one per rule it is too early for, before the expected discharge, pregnancy at or beyond the
    /// limit on that date, haemoglobin too low. Empty when the flight is fine, and for remains.
    /// </summary>
    public static IReadOnlyList<FitnessWarning> Check(MedicalFacts facts, FitnessRules rules, Leg flight, string mode, DateOnly today)
    {
        if (mode == TransportModes.Remains) return [];
        if (!AssessedModes.Contains(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, "Not a transport mode.");

        var fitness = Assess(facts, rules, flight.Carrier, today).For(mode);
        var date = DateOnly.FromDateTime(flight.DepartsAt.DateTime);
        var warnings = new List<FitnessWarning>();

        foreach (var reason in fitness.Reasons.Where(r => date < r.Until))
            warnings.Add(new FitnessWarning(FitnessWarnings.FlightTooEarly, mode, date, reason, null, null, null));
        foreach (var hold in fitness.Holds)
        {
            var code = hold.Code is FitnessHolds.UntilStable or FitnessHolds.NotDrained ? FitnessWarnings.FlightTooEarly : hold.Code;
            // A pregnancy already at its limit today is said once, as its limit on the flight's date below.
            if (code != FitnessWarnings.PregnancyTooAdvanced) warnings.Add(new FitnessWarning(code, mode, date, null, hold, null, null));
        }
        if (fitness.Discharge is { } discharge && date < discharge)
            warnings.Add(new FitnessWarning(FitnessWarnings.FlightBeforeDischarge, mode, date, null, null, null, discharge));
        foreach (var limit in fitness.Limits.Where(l => date >= l.Reached))
            warnings.Add(new FitnessWarning(FitnessWarnings.PregnancyTooAdvanced, mode, date, null, null, limit, null));
        return warnings;
    }

    /// <summary>Weeks of pregnancy on a date, from the weeks of record (whole weeks).</summary>
    public static int PregnancyWeeksOn((int Weeks, DateOnly On) pregnancy, DateOnly date) =>
        pregnancy.Weeks + (int)Math.Floor((date.DayNumber - pregnancy.On.DayNumber) / 7.0);

    private static FitnessHold Hold(string code, FitnessRule rule, FitnessFact fact) =>
        new(code, rule.Id, fact, rule.Limit, rule.Condition, rule.Source, rule.Carrier);

    private sealed record Trigger(FitnessRule Rule, FitnessFact Fact, DateOnly? From);

    private static List<Trigger> Triggers(MedicalFacts facts, IReadOnlyList<FitnessRule> table)
    {
        var drained = facts.Procedures.Where(p => IsProcedure(p, ProcedureCodes.ChestDrain)).Select(p => (DateOnly?)p.On).Max();
        var triggers = new List<Trigger>();
        foreach (var rule in table)
        {
            switch (rule.Target)
            {
                case RuleTargets.Diagnosis:
                    foreach (var d in facts.Diagnoses.Where(d => Icd10.Matches(d.Code, rule.Codes)))
                        triggers.Add(new Trigger(rule, new FitnessFact(FitnessFact.Diagnosis, d.Code.Trim(), d.Text, d.Since, null),
                            rule.CountedFrom == CountedFrom.Drainage ? drained : d.Since));
                    break;
                case RuleTargets.Procedure:
                    foreach (var p in facts.Procedures.Where(p => rule.Codes.Any(c => IsProcedure(p, c))))
                        triggers.Add(new Trigger(rule, new FitnessFact(FitnessFact.Procedure, p.Code.Trim(), p.Text, p.On, null), p.On));
                    break;
                case RuleTargets.Haemoglobin when facts.Haemoglobin is { } hb:
                    triggers.Add(new Trigger(rule, new FitnessFact(FitnessFact.Haemoglobin, RuleTargets.Haemoglobin, null, null, hb), null));
                    break;
                case RuleTargets.Pregnancy when facts.Pregnancy is { } pregnancy:
                    triggers.Add(new Trigger(rule, new FitnessFact(FitnessFact.Pregnancy, RuleTargets.Pregnancy, null, pregnancy.On, pregnancy.Weeks), null));
                    break;
            }
        }
        return triggers;
    }

    /// <summary>The diagnoses and procedures no row names (a chest drain dating a pneumothorax rule counts as named).</summary>
    private static List<NotAssessed> NotAssessedFacts(MedicalFacts facts, IReadOnlyList<FitnessRule> table, List<Trigger> triggers)
    {
        var dating = triggers.Any(t => t.Rule.CountedFrom == CountedFrom.Drainage);
        var list = new List<NotAssessed>();
        foreach (var d in facts.Diagnoses.Where(d => !table.Any(r => r.Target == RuleTargets.Diagnosis && Icd10.Matches(d.Code, r.Codes))))
            list.Add(new NotAssessed(FitnessFact.Diagnosis, d.Code.Trim(), d.Text));
        foreach (var p in facts.Procedures)
        {
            var named = table.Any(r => r.Target == RuleTargets.Procedure && r.Codes.Any(c => IsProcedure(p, c)));
            if (!named && !(dating && IsProcedure(p, ProcedureCodes.ChestDrain))) list.Add(new NotAssessed(FitnessFact.Procedure, p.Code.Trim(), p.Text));
        }
        return list;
    }

    private static bool IsProcedure(ProcedureFact p, string code) => string.Equals(p.Code.Trim(), code, StringComparison.OrdinalIgnoreCase);
}
