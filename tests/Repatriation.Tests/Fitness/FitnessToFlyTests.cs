using Platform.Repatriation.Fitness;
using Platform.Repatriation.Plans;

namespace Platform.Repatriation.Tests.Fitness;

/// <summary>The engine alone, on facts built in memory, against the default table unless a test brings its own.</summary>
public sealed class Fitness_to_fly
{
    private static readonly DateOnly Day1 = new(2026, 1, 10);

    private static DateOnly Day(int n) => Day1.AddDays(n - 1);

    private static MedicalFacts Facts(
        DiagnosisFact[]? diagnoses = null, ProcedureFact[]? procedures = null, DateOnly? discharge = null,
        decimal? haemoglobin = null, (int, DateOnly)? pregnancy = null, string? risk = null) =>
        new(diagnoses ?? [], procedures ?? [], discharge, haemoglobin, pregnancy, risk);

    private static Leg Flight(DateOnly date, string? carrier = "SU") =>
        new(1, "flight", "BKK", "SVO", new DateTimeOffset(date.ToDateTime(new TimeOnly(23, 30)), TimeSpan.FromHours(7)),
            carrier, "SU271", null, "assistance", "insurer", "planned");

    private static IReadOnlyList<string> Codes(IEnumerable<FitnessWarning> warnings) => [.. warnings.Select(w => w.Code)];

    private static MedicalFacts StentCase(string? risk) =>
        Facts(procedures: [new ProcedureFact(ProcedureCodes.Pci, "stent to the LAD", Day(1))], discharge: Day(4), risk: risk);

    [Fact]
    public void An_elective_stent_allows_a_flight_after_2_days_so_a_flight_on_day_3_is_flagged_only_as_before_discharge()
    {
        var warnings = FitnessToFly.Check(StentCase("low"), FitnessRules.Default, Flight(Day(3)), TransportModes.CommercialSeated, Day(2));

        var warning = Assert.Single(warnings);
        Assert.Equal(FitnessWarnings.FlightBeforeDischarge, warning.Code);
        Assert.Equal(Day(4), warning.Discharge);
        Assert.Contains("2026-01-13", warning.Message);
    }

    [Fact]
    public void A_stretcher_flight_on_day_5_after_a_stent_on_day_1_and_discharge_on_day_4_is_fine()
    {
        var warnings = FitnessToFly.Check(StentCase("low"), FitnessRules.Default, Flight(Day(5)), TransportModes.CommercialStretcher, Day(2));

        Assert.Empty(warnings);
    }

    [Fact]
    public void A_stent_not_recorded_as_elective_takes_the_5_day_figure_so_day_3_is_too_early_and_before_discharge()
    {
        var warnings = FitnessToFly.Check(StentCase(null), FitnessRules.Default, Flight(Day(3)), TransportModes.CommercialSeated, Day(2));

        Assert.Equal([FitnessWarnings.FlightTooEarly, FitnessWarnings.FlightBeforeDischarge], Codes(warnings));
        var tooEarly = warnings[0];
        Assert.Equal(("pci", 5, Day(1), Day(6)), (tooEarly.Reason!.RuleId, tooEarly.Reason.MinDays, tooEarly.Reason.From, tooEarly.Reason.Until));
        Assert.StartsWith("PCI (coronary stent) on 2026-01-10: a seated commercial flight from 2026-01-15", tooEarly.Message);
        Assert.Contains("UK CAA, Assessing fitness to fly", tooEarly.Message);
        Assert.Equal(Day(6), FitnessToFly.Assess(StentCase(null), FitnessRules.Default, null, Day(2)).For(TransportModes.CommercialStretcher).Earliest);
    }

    [Fact]
    public void The_warning_is_also_said_in_Russian()
    {
        var warning = FitnessToFly.Check(StentCase(null), FitnessRules.Default, Flight(Day(3)), TransportModes.CommercialSeated, Day(2))[0];

        var russian = FitnessTexts.Warning(warning, "ru");

        Assert.StartsWith("ЧКВ (стентирование коронарных артерий) от 10.01.2026: обычный рейс, сидя — не раньше 15.01.2026; перелёт 12.01.2026 слишком рано", russian);
    }

    [Fact]
    public void An_air_or_ground_ambulance_may_move_the_patient_before_discharge_and_no_default_rule_limits_them()
    {
        var assessment = FitnessToFly.Assess(StentCase(null), FitnessRules.Default, null, Day(2));

        foreach (var mode in FitnessToFly.MayLeaveBeforeDischarge)
        {
            var fitness = assessment.For(mode);
            Assert.Equal((Day(2), (DateOnly?)null), (fitness.Earliest, fitness.Discharge));
            Assert.Empty(fitness.Reasons);
            Assert.Empty(FitnessToFly.Check(StentCase(null), FitnessRules.Default, Flight(Day(2)), mode, Day(2)));
        }
        Assert.All(TransportModes.Commercial, m => Assert.Equal(Day(6), assessment.For(m).Earliest));
    }

    [Fact]
    public void Remains_have_no_fitness_rule_and_every_other_mode_is_assessed()
    {
        var assessment = FitnessToFly.Assess(StentCase(null), FitnessRules.Default, null, Day(2));

        Assert.Equal(TransportModes.All.Where(m => m != TransportModes.Remains), assessment.Modes.Select(m => m.Mode));
        Assert.Empty(FitnessToFly.Check(StentCase(null), FitnessRules.Default, Flight(Day(2)), TransportModes.Remains, Day(2)));
    }

    [Theory]
    [InlineData("low", 3, "mi-low")]
    [InlineData("medium", 10, "mi-medium")]
    [InlineData(null, 10, "mi")]
    public void A_myocardial_infarction_waits_by_its_risk_class(string? risk, int days, string rule)
    {
        var facts = Facts(diagnoses: [new DiagnosisFact("I21.4", "NSTEMI", Day(1))], risk: risk);

        var fitness = FitnessToFly.Assess(facts, FitnessRules.Default, null, Day(1)).For(TransportModes.CommercialSeated);

        Assert.Equal(Day(1).AddDays(days), fitness.Earliest);
        Assert.Equal(rule, Assert.Single(fitness.Reasons).RuleId);
    }

    [Fact]
    public void A_high_risk_infarction_holds_commercial_flights_until_the_doctor_finds_it_stable()
    {
        var facts = Facts(diagnoses: [new DiagnosisFact("I21.0", null, Day(1))], risk: "high");

        var fitness = FitnessToFly.Assess(facts, FitnessRules.Default, null, Day(1)).For(TransportModes.CommercialStretcher);
        var warnings = FitnessToFly.Check(facts, FitnessRules.Default, Flight(Day(40)), TransportModes.CommercialStretcher, Day(1));

        Assert.False(fitness.IsPossible);
        Assert.Equal((FitnessHolds.UntilStable, "mi-high"), (Assert.Single(fitness.Holds).Code, fitness.Holds[0].RuleId));
        Assert.Equal(FitnessWarnings.FlightTooEarly, Assert.Single(warnings).Code);
        Assert.Contains("not until the treating doctor finds the condition stable", warnings[0].Message);
    }

    [Theory]
    [InlineData("low", 3)]
    [InlineData(null, 10)]
    [InlineData("medium", 10)]
    public void A_stroke_waits_3_days_when_stable_and_10_otherwise(string? risk, int days)
    {
        var facts = Facts(diagnoses: [new DiagnosisFact("i639", "ischaemic stroke", Day(1))], risk: risk);

        var fitness = FitnessToFly.Assess(facts, FitnessRules.Default, null, Day(1)).For(TransportModes.CommercialSeated);

        Assert.Equal(Day(1).AddDays(days), fitness.Earliest);
    }

    [Theory]
    [InlineData("I21.4")]
    [InlineData("I214")]
    [InlineData(" i21.4 ")]
    [InlineData("I21")]
    public void Icd10_codes_match_by_prefix_with_or_without_the_dot_in_any_case(string code)
    {
        var facts = Facts(diagnoses: [new DiagnosisFact(code, null, Day(1))], risk: "low");

        var assessment = FitnessToFly.Assess(facts, FitnessRules.Default, null, Day(1));

        Assert.Equal("mi-low", Assert.Single(assessment.For(TransportModes.CommercialSeated).Reasons).RuleId);
        Assert.Empty(assessment.NotAssessed);
    }

    [Fact]
    public void A_pneumothorax_is_counted_from_its_drainage_not_its_onset()
    {
        var facts = Facts(diagnoses: [new DiagnosisFact("J93.1", "spontaneous pneumothorax", Day(1))],
            procedures: [new ProcedureFact(ProcedureCodes.ChestDrain, null, Day(5))]);

        var assessment = FitnessToFly.Assess(facts, FitnessRules.Default, null, Day(1));

        var reason = Assert.Single(assessment.For(TransportModes.CommercialSeated).Reasons);
        Assert.Equal(("pneumothorax", Day(5), Day(19)), (reason.RuleId, reason.From, reason.Until));
        Assert.Empty(assessment.NotAssessed);
        var warning = Assert.Single(FitnessToFly.Check(facts, FitnessRules.Default, Flight(Day(18)), TransportModes.CommercialSeated, Day(1)));
        Assert.StartsWith("J93.1 (spontaneous pneumothorax) drained on 2026-01-14: a seated commercial flight from 2026-01-28", warning.Message);
    }

    [Fact]
    public void A_pneumothorax_without_a_recorded_drainage_holds_commercial_flights()
    {
        var facts = Facts(diagnoses: [new DiagnosisFact("J93.9", null, Day(1))]);

        var fitness = FitnessToFly.Assess(facts, FitnessRules.Default, null, Day(1)).For(TransportModes.CommercialSeated);

        Assert.Equal(FitnessHolds.NotDrained, Assert.Single(fitness.Holds).Code);
        Assert.False(fitness.IsPossible);
    }

    [Fact]
    public void A_carriers_row_replaces_the_default_row_with_the_same_id_on_that_carriers_flights_only()
    {
        const string csv = """
            id,applies_to,risk,modes,min_days,limit,counted_from,condition,source,carrier
            pci-elective,pci,low,commercial,4,,procedure,"elective, uncomplicated",Carrier's medical manual,SU
            """;
        var table = FitnessRules.Parse(new StringReader(csv), "su");
        Assert.True(table.IsValid, string.Join("; ", table.Errors));
        var rules = FitnessRules.Default.WithCarrier("SU", table.Rules);

        Assert.Equal(Day(5), FitnessToFly.Assess(StentCase("low"), rules, "SU", Day(1)).For(TransportModes.CommercialSeated).Earliest);
        Assert.Equal(Day(4), FitnessToFly.Assess(StentCase("low"), rules, "TK", Day(1)).For(TransportModes.CommercialSeated).Earliest);
        var warning = Assert.Single(FitnessToFly.Check(StentCase("low"), rules, Flight(Day(4), "SU"), TransportModes.CommercialSeated, Day(1)));
        Assert.Equal(("pci-elective", "SU", Day(5)), (warning.Reason!.RuleId, warning.Reason.Carrier, warning.Reason.Until));
        Assert.Equal(rules.Defaults.Count, rules.For("SU").Count);
    }

    [Fact]
    public void A_parse_error_names_its_line_and_column()
    {
        const string csv = """
            id,applies_to,risk,modes,min_days,limit,counted_from,condition,source
            mi-low,I21|I22,low,commercial,3,,event,uncomplicated,BHF
            cabg,cabg,any,commercial,ten,,procedure,uncomplicated,UK CAA
            """;

        var table = FitnessRules.Parse(new StringReader(csv), null);

        var error = Assert.Single(table.Errors);
        Assert.Equal((3, 5, "min_days"), (error.Line, error.Column, error.ColumnName));
        Assert.StartsWith("line 3, column 5 (min_days): ten is not a whole number", error.ToString());
        Assert.Equal("mi-low", Assert.Single(table.Rules).Id);
    }

    [Fact]
    public void Rows_without_a_source_with_an_unknown_target_or_of_another_carrier_are_refused_with_their_columns()
    {
        const string csv = """
            id,applies_to,risk,modes,min_days,limit,counted_from,condition,source,carrier
            a,pci,any,commercial,2,,procedure,,,SU
            b,heart attack,any,commercial,2,,event,,UK CAA,SU
            c,pci,any,commercial|boat,2,,procedure,,UK CAA,TK
            """;

        var table = FitnessRules.Parse(new StringReader(csv), "SU");

        Assert.Equal([(2, 9, "source"), (3, 2, "applies_to"), (4, 4, "modes"), (4, 10, "carrier")],
            table.Errors.Select(e => (e.Line, e.Column, e.ColumnName)));
        Assert.Empty(table.Rules);
    }

    [Fact]
    public void A_pregnancy_reaching_36_weeks_between_today_and_the_flight_is_too_advanced_on_the_flight_date()
    {
        var facts = Facts(pregnancy: (35, Day(1)));

        var fitness = FitnessToFly.Assess(facts, FitnessRules.Default, null, Day(1)).For(TransportModes.CommercialSeated);
        var late = FitnessToFly.Check(facts, FitnessRules.Default, Flight(Day(10)), TransportModes.CommercialSeated, Day(1));
        var inTime = FitnessToFly.Check(facts, FitnessRules.Default, Flight(Day(7)), TransportModes.CommercialSeated, Day(1));

        Assert.True(fitness.IsPossible);
        Assert.Equal(Day(7), fitness.Latest);
        Assert.Empty(inTime);
        var warning = Assert.Single(late);
        Assert.Equal(FitnessWarnings.PregnancyTooAdvanced, warning.Code);
        Assert.StartsWith("Pregnancy: 36 weeks on 2026-01-19, the flight's date; a seated commercial flight only before 36 weeks, the last day being 2026-01-16", warning.Message);
        Assert.StartsWith("Беременность: 36 нед. на дату перелёта 19.01.2026", FitnessTexts.Warning(warning, "ru-RU"));
        Assert.Empty(FitnessToFly.Check(facts, FitnessRules.Default, Flight(Day(10)), TransportModes.AirAmbulance, Day(1)));
    }

    [Fact]
    public void A_pregnancy_already_at_36_weeks_holds_commercial_flights_from_today()
    {
        var facts = Facts(pregnancy: (36, Day(1)));

        var fitness = FitnessToFly.Assess(facts, FitnessRules.Default, null, Day(2)).For(TransportModes.CommercialBusinessFlat);

        Assert.False(fitness.IsPossible);
        Assert.Equal(FitnessWarnings.PregnancyTooAdvanced, Assert.Single(fitness.Holds).Code);
        Assert.Equal([FitnessWarnings.PregnancyTooAdvanced],
            Codes(FitnessToFly.Check(facts, FitnessRules.Default, Flight(Day(3)), TransportModes.CommercialBusinessFlat, Day(2))));
    }

    [Fact]
    public void Haemoglobin_of_7_5_holds_commercial_flights_but_not_an_air_ambulance()
    {
        var facts = Facts(haemoglobin: 7.5m);

        var assessment = FitnessToFly.Assess(facts, FitnessRules.Default, null, Day(1));
        var warning = Assert.Single(FitnessToFly.Check(facts, FitnessRules.Default, Flight(Day(3)), TransportModes.CommercialExtraSeats, Day(1)));

        Assert.False(assessment.For(TransportModes.CommercialExtraSeats).IsPossible);
        Assert.True(assessment.For(TransportModes.AirAmbulance).IsPossible);
        Assert.Equal(FitnessWarnings.HaemoglobinTooLow, warning.Code);
        Assert.StartsWith("Haemoglobin 7.5 g/dl is below 8 g/dl", warning.Message);
        Assert.StartsWith("Гемоглобин 7,5 г/дл ниже 8 г/дл", FitnessTexts.Warning(warning, "ru"));
    }

    [Fact]
    public void Haemoglobin_of_8_is_enough()
    {
        Assert.Empty(FitnessToFly.Check(Facts(haemoglobin: 8m), FitnessRules.Default, Flight(Day(3)), TransportModes.CommercialSeated, Day(1)));
    }

    [Fact]
    public void An_unknown_diagnosis_or_procedure_is_listed_as_not_assessed_and_limits_nothing()
    {
        var facts = Facts(diagnoses: [new DiagnosisFact("K35.8", "appendicitis", Day(1))], procedures: [new ProcedureFact("dialysis", null, Day(2))]);

        var assessment = FitnessToFly.Assess(facts, FitnessRules.Default, null, Day(1));

        Assert.Equal([("diagnosis", "K35.8"), ("procedure", "dialysis")], assessment.NotAssessed.Select(n => (n.Kind, n.Code)));
        Assert.Equal("K35.8 (appendicitis): not assessed by the rules: ask the attending doctor", FitnessTexts.NotAssessed(assessment.NotAssessed[0], "en"));
        Assert.Equal("K35.8 (appendicitis): правила это не оценивают — спросите лечащего врача", FitnessTexts.NotAssessed(assessment.NotAssessed[0], "ru"));
        Assert.All(assessment.Modes, m => Assert.Equal((Day(1), 0), (m.Earliest, m.Reasons.Count)));
    }

    [Fact]
    public void The_latest_of_several_waits_sets_the_earliest_date_and_each_is_told()
    {
        var facts = Facts(diagnoses: [new DiagnosisFact("I21.1", null, Day(1))], procedures: [new ProcedureFact("PCI", null, Day(1))], risk: "medium");

        var warnings = FitnessToFly.Check(facts, FitnessRules.Default, Flight(Day(4)), TransportModes.CommercialSeated, Day(1));

        Assert.Equal(["pci", "mi-medium"], warnings.Select(w => w.Reason!.RuleId));
        Assert.Equal(Day(11), FitnessToFly.Assess(facts, FitnessRules.Default, null, Day(1)).For(TransportModes.CommercialSeated).Earliest);
    }
}
