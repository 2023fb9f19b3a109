using Platform.Billing.Decisions;
using Platform.Billing.Invoices;

namespace Platform.Billing.Tests;

/// <summary>The rules alone, on invoices built in memory: each rule can be seen to take its part with its code.</summary>
public sealed class The_adjudication_rules
{
    private static readonly DateOnly Day = new(2026, 1, 10);

    private static InvoiceLine Line(int n, string code, decimal amount, string benefit = "medical-expenses", DateOnly? date = null, decimal quantity = 1) =>
        new(n, code, CodeSystems.Cpt, null, null, date ?? Day, quantity, amount / quantity, amount, [1], benefit);

    private static Invoice Invoice(params InvoiceLine[] lines) =>
        new(Guid.NewGuid(), "t", InvoiceKinds.Clinic, ClaimForms.Professional, "json", "INV-1", "C-1", Guid.NewGuid(), null,
            new Party("Clinic", "ORL", null, null, null, null, null, null, "US"), new Patient("IVANOV", "PYOTR", null, "M", "P-1"),
            Day, Day, "USD", ["I214"], lines, "21", DateTimeOffset.UnixEpoch);

    private static AdjudicationTerms Terms(decimal? remaining = 50_000m, decimal deductible = 0, decimal coPayment = 0, decimal rate = 1,
        Func<string, DateOnly, decimal?>? tariff = null, IReadOnlySet<(DateOnly, string, decimal)>? before = null,
        Dictionary<int, LineOverride>? overrides = null, string[]? excluded = null) =>
        new("USD", rate, null, new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31),
            new Dictionary<string, decimal?> { ["medical-expenses"] = remaining }, deductible, coPayment,
            (excluded ?? []).ToHashSet(), tariff ?? ((_, _) => null), before ?? new HashSet<(DateOnly, string, decimal)>(), overrides ?? []);

    [Fact]
    public void A_line_within_cover_and_tariff_is_paid_as_billed()
    {
        var (lines, _) = Adjudicator.Decide(Invoice(Line(1, "99223", 1200m)), Terms(tariff: (_, _) => 1500m));

        var line = Assert.Single(lines);
        Assert.Equal((LineOutcomes.Approved, 1200m, 1200m), (line.Outcome, line.Allowed, line.Paid));
        Assert.Empty(line.Adjustments);
    }

    [Fact]
    public void A_charge_above_the_clinics_tariff_is_reduced_to_it_with_CO_45_times_the_units()
    {
        var (lines, _) = Adjudicator.Decide(Invoice(Line(1, "99231", 900m, quantity: 3)), Terms(tariff: (_, _) => 250m));

        var line = Assert.Single(lines);
        Assert.Equal((LineOutcomes.Reduced, 750m, 750m), (line.Outcome, line.Allowed, line.Paid));
        Assert.Equal(new Adjustment("CO", "45", 150m), Assert.Single(line.Adjustments));
    }

    [Fact]
    public void Services_before_the_policy_began_or_after_it_ended_are_rejected_with_CO_26_and_CO_27()
    {
        var (lines, _) = Adjudicator.Decide(Invoice(Line(1, "A", 100m, date: new DateOnly(2025, 12, 31)), Line(2, "B", 100m, date: new DateOnly(2026, 2, 1))),
            Terms());

        Assert.Equal(["CO-26", "CO-27"], lines.Select(l => $"{l.Adjustments.Single().Group}-{l.Adjustments.Single().Reason}"));
        Assert.All(lines, l => Assert.Equal((LineOutcomes.Rejected, 0m), (l.Outcome, l.Paid)));
    }

    [Fact]
    public void A_benefit_the_policy_does_not_cover_and_a_service_the_letter_excludes_are_rejected_with_CO_96()
    {
        var (lines, _) = Adjudicator.Decide(Invoice(Line(1, "97110", 800m, benefit: "rehabilitation"), Line(2, "15780", 500m)),
            Terms(excluded: ["15780"]));

        Assert.All(lines, l => Assert.Equal(new Adjustment("CO", "96", l.Billed), Assert.Single(l.Adjustments)));
    }

    [Fact]
    public void The_second_of_two_identical_lines_and_a_line_billed_in_an_earlier_invoice_are_duplicates_CO_18()
    {
        var (lines, _) = Adjudicator.Decide(Invoice(Line(1, "71046", 300m), Line(2, "71046", 300m), Line(3, "93000", 150m)),
            Terms(before: new HashSet<(DateOnly, string, decimal)> { (Day, "93000", 150m) }));

        Assert.Equal([LineOutcomes.Approved, LineOutcomes.Rejected, LineOutcomes.Rejected], lines.Select(l => l.Outcome));
        Assert.Equal("18", lines[1].Adjustments.Single().Reason);
        Assert.Equal("18", lines[2].Adjustments.Single().Reason);
    }

    [Fact]
    public void The_deductible_then_the_co_payment_are_the_patients_and_are_taken_once()
    {
        var (lines, taken) = Adjudicator.Decide(Invoice(Line(1, "A", 80m), Line(2, "B", 500m)), Terms(deductible: 100m, coPayment: 50m));

        Assert.Equal([new Adjustment("PR", "1", 80m)], lines[0].Adjustments);
        Assert.Equal([new Adjustment("PR", "1", 20m), new Adjustment("PR", "3", 50m)], lines[1].Adjustments);
        Assert.Equal((0m, 430m), (lines[0].Paid, lines[1].Paid));
        Assert.Equal(100m, taken);
        Assert.Equal(LineOutcomes.Approved, lines[0].Outcome); // the patient's share is not a reduction by the payer
    }

    [Fact]
    public void A_line_cut_to_the_tariff_whose_rest_the_deductible_takes_is_reduced_not_rejected()
    {
        var (lines, _) = Adjudicator.Decide(Invoice(Line(1, "99211", 125m)), Terms(deductible: 100m, tariff: (_, _) => 90m));

        var line = Assert.Single(lines);
        Assert.Equal((LineOutcomes.Reduced, 0m), (line.Outcome, line.Paid));
        Assert.Equal([new Adjustment("CO", "45", 35m), new Adjustment("PR", "1", 90m)], line.Adjustments);
    }

    [Fact]
    public void What_exceeds_the_remaining_cover_is_not_paid_CO_119_and_later_lines_get_nothing()
    {
        var (lines, _) = Adjudicator.Decide(Invoice(Line(1, "A", 30_000m), Line(2, "B", 30_000m), Line(3, "C", 100m)), Terms(remaining: 50_000m));

        Assert.Equal([30_000m, 20_000m, 0m], lines.Select(l => l.Paid));
        Assert.Equal(new Adjustment("CO", "119", 10_000m), Assert.Single(lines[1].Adjustments));
        Assert.Equal(LineOutcomes.Rejected, lines[2].Outcome);
    }

    [Fact]
    public void Cover_in_another_currency_is_converted_at_the_rate_and_never_rounded_up()
    {
        // The policy is in EUR; 1 USD = 0.9 EUR; 1,000 EUR left is 1,111.11 USD.
        var (lines, _) = Adjudicator.Decide(Invoice(Line(1, "A", 2_000m)), Terms(remaining: 1_000m, rate: 0.9m));

        Assert.Equal(1_111.11m, Assert.Single(lines).Paid);
    }

    [Fact]
    public void A_persons_override_replaces_the_rules_but_still_within_the_cover_and_the_reason_is_kept()
    {
        var overrides = new Dictionary<int, LineOverride>
        {
            [2] = new(LineOutcomes.Approved, 300m, "Second X-ray after the first was unreadable", "doctor:1", DateTimeOffset.UnixEpoch),
        };
        var (lines, _) = Adjudicator.Decide(Invoice(Line(1, "71046", 300m), Line(2, "71046", 300m)), Terms(remaining: 500m, overrides: overrides));

        Assert.Equal((300m, 200m), (lines[0].Paid, lines[1].Paid));
        Assert.Equal(new Adjustment("CO", "119", 100m), Assert.Single(lines[1].Adjustments));
        Assert.Equal("Second X-ray after the first was unreadable", lines[1].Override!.Reason);
    }

    [Fact]
    public void Every_line_balances_billed_equals_paid_plus_adjustments()
    {
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var lines = Enumerable.Range(1, 20).Select(n => Line(n, $"C{random.Next(5)}", Math.Round((decimal)random.NextDouble() * 5000, 2),
                random.Next(6) == 0 ? "rehabilitation" : "medical-expenses", Day.AddDays(random.Next(-3, 30)), random.Next(1, 4))).ToArray();
            var (decisions, _) = Adjudicator.Decide(Invoice(lines), Terms(remaining: random.Next(0, 60_000), deductible: 100, coPayment: random.Next(0, 200),
                rate: random.Next(2) == 0 ? 1 : 0.93m, tariff: (code, _) => code == "C1" ? 400m : null));
            foreach (var d in decisions)
                Assert.Equal(d.Billed, d.Paid + d.Adjustments.Sum(a => a.Amount));
        }
    }
}
