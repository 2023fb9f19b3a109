using Platform.Repatriation.Fitness;
using Platform.Repatriation.Plans;

namespace Platform.Repatriation.Tests.Fitness;

/// <summary>The rule table as data: the default one shipped with the service, and tables read from CSV text.</summary>
public sealed class Fitness_rule_tables
{
    private static readonly string[] Guidance =
    [
        "UK CAA", "British Cardiovascular Society", "BHF", "British Thoracic Society", "RCOG", "Aerospace Medical Association", "Aeromedical guidelines",
    ];

    [Fact]
    public void The_default_table_parses_and_every_row_cites_its_guidance()
    {
        var rules = FitnessRules.Default.Defaults;

        Assert.True(rules.Count >= 20);
        Assert.All(rules, r => Assert.True(Guidance.Any(g => r.Source.Contains(g, StringComparison.Ordinal)), $"{r.Id} cites {r.Source}"));
        Assert.All(rules, r => Assert.False(string.IsNullOrWhiteSpace(r.Condition), $"{r.Id} has no condition"));
        Assert.Equal(rules.Count, rules.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public void The_default_table_holds_the_figures_of_the_guidance()
    {
        var byId = FitnessRules.Default.Defaults.ToDictionary(r => r.Id);

        Assert.Equal(
            [("mi-low", 3), ("mi-medium", 10), ("pci-elective", 2), ("pci", 5), ("cabg-uncomplicated", 10), ("cabg", 14), ("stroke-stable", 3),
             ("stroke", 10), ("pneumothorax", 14), ("abdominal-surgery", 10), ("plaster-cast", 2)],
            new[] { "mi-low", "mi-medium", "pci-elective", "pci", "cabg-uncomplicated", "cabg", "stroke-stable", "stroke", "pneumothorax", "abdominal-surgery", "plaster-cast" }
                .Select(id => (id, byId[id].MinDays!.Value)));
        Assert.Equal(CountedFrom.Drainage, byId["pneumothorax"].CountedFrom);
        Assert.Null(byId["mi-high"].MinDays);
        Assert.Equal((8m, 36m), (byId["haemoglobin"].Limit!.Value, byId["pregnancy"].Limit!.Value));
    }

    [Fact]
    public void The_default_table_limits_the_commercial_modes_only_and_names_every_procedure_but_the_chest_drain()
    {
        var rules = FitnessRules.Default.Defaults;

        Assert.All(rules, r => Assert.Equal(TransportModes.Commercial, r.Modes));
        Assert.Equal(ProcedureCodes.All.Except([ProcedureCodes.ChestDrain]).Order(),
            rules.Where(r => r.Target == RuleTargets.Procedure).SelectMany(r => r.Codes).Distinct().Order());
    }

    [Fact]
    public void Quoted_fields_keep_their_commas_and_doubled_quotes_and_columns_may_come_in_any_order()
    {
        const string csv = "source,id,applies_to,risk,modes,min_days,limit,counted_from,condition\r\n"
            + "\"BHF, \"\"Flying after a heart attack\"\"\",mi-low,I21,low,commercial-seated|air-ambulance,3,,event,\"first event, uncomplicated\"\r\n";

        var table = FitnessRules.Parse(new StringReader(csv), null);

        var rule = Assert.Single(table.Rules);
        Assert.Equal(("BHF, \"Flying after a heart attack\"", "first event, uncomplicated"), (rule.Source, rule.Condition));
        Assert.Equal([TransportModes.CommercialSeated, TransportModes.AirAmbulance], rule.Modes);
    }

    [Fact]
    public void An_unclosed_quote_a_short_row_and_a_carrier_column_in_the_default_table_are_errors()
    {
        Assert.Equal((2, 5, "min_days"),
            Only(FitnessRules.Parse(new StringReader("id,applies_to,risk,modes,min_days,limit,counted_from,condition,source\nx,pci,any,commercial\n"), null)));
        Assert.Equal((1, 10, "carrier"),
            Only(FitnessRules.Parse(new StringReader("id,applies_to,risk,modes,min_days,limit,counted_from,condition,source,carrier\n"), null)));
        Assert.Equal(2,
            Assert.Single(FitnessRules.Parse(new StringReader("id,applies_to,risk,modes,min_days,limit,counted_from,condition,source\nx,pci,any,commercial,2,,procedure,\"open,UK CAA\n"), null).Errors).Line);
    }

    [Fact]
    public void A_limit_rule_needs_its_limit_and_a_wait_rule_its_own_date()
    {
        const string csv = """
            id,applies_to,risk,modes,min_days,limit,counted_from,condition,source
            hb,lab:haemoglobin,any,commercial,2,,none,,UK CAA
            cast,plaster-cast,any,commercial,2,,event,,UK CAA
            """;

        var table = FitnessRules.Parse(new StringReader(csv), null);

        Assert.Equal([(2, 6, "limit"), (2, 5, "min_days"), (3, 7, "counted_from")], table.Errors.Select(e => (e.Line, e.Column, e.ColumnName)));
    }

    [Fact]
    public void An_id_used_twice_is_one_error_on_the_second_row()
    {
        const string csv = """
            id,applies_to,risk,modes,min_days,limit,counted_from,condition,source
            pci,pci,any,commercial,5,,procedure,,UK CAA
            pci,pci,low,commercial,2,,procedure,,UK CAA
            """;

        var table = FitnessRules.Parse(new StringReader(csv), null);

        Assert.Equal([(3, 1, "id")], table.Errors.Select(e => (e.Line, e.Column, e.ColumnName)));
    }

    private static (int, int, string) Only(FitnessRuleTable table)
    {
        var error = Assert.Single(table.Errors);
        return (error.Line, error.Column, error.ColumnName);
    }
}
