using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Intake.Policies;

namespace Platform.Intake.Tests;

/// <summary>The coverage decision alone, without a database.</summary>
public sealed class Checking_coverage
{
    private static readonly DateOnly Born = new(1956, 4, 12);

    private static Policy Policy(string number = "TRV-1", string start = "2026-01-01", string end = "2026-12-31",
        string[]? territory = null, string[]? covered = null, string[]? excluded = null, string name = "Pyotr Ivanov") =>
        new(number, "Comfort", new PolicyPeriod(DateOnly.Parse(start), DateOnly.Parse(end)), territory ?? ["WORLD"],
            [new InsuredPerson(name, Born, null)], [new BenefitLimit("medical-expenses", 50000, "USD")], new Money(100, "USD"),
            covered ?? ["illness", "accident"], excluded ?? ["pre-existing-conditions", "alcohol"], "Global Assist");

    private static CoverageQuery Query(string? number = "TRV-1", string name = "Pyotr Ivanov", DateOnly? born = null,
        string date = "2026-05-01", string country = "US", string? risk = null) =>
        new(number, name, born ?? Born, DateOnly.Parse(date), country, risk);

    [Fact]
    public void A_valid_policy_found_by_number_covers_the_event_and_describes_the_cover()
    {
        var result = CoverageRules.Decide(Query(risk: "illness"), Policy(), []);

        Assert.Equal("covered", result.Status);
        Assert.Empty(result.Reasons);
        Assert.Equal("TRV-1", result.Policy!.PolicyNumber);
        Assert.Equal(50000m, Assert.Single(result.Policy.Limits).Amount);
        Assert.Equal(100m, result.Policy.Deductible!.Amount);
        Assert.Contains("alcohol", result.Policy.ExcludedRisks);
    }

    [Fact]
    public void An_unknown_number_without_a_match_by_name_is_policy_not_found()
    {
        var result = CoverageRules.Decide(Query(number: "NOPE"), null, []);

        Assert.Equal("not-covered", result.Status);
        Assert.Equal("policy-not-found", Assert.Single(result.Reasons).Code);
        Assert.Null(result.Policy);
    }

    [Fact]
    public void No_policy_for_the_name_and_date_of_birth_is_policy_not_found()
    {
        var result = CoverageRules.Decide(Query(number: null), null, []);

        Assert.Equal("not-covered", result.Status);
        Assert.Equal("policy-not-found", Assert.Single(result.Reasons).Code);
    }

    [Fact]
    public void An_event_after_the_end_date_is_not_valid_on_date_because_the_policy_expired()
    {
        var result = CoverageRules.Decide(Query(date: "2027-01-01"), Policy(), []);

        Assert.Equal("not-covered", result.Status);
        var reason = Assert.Single(result.Reasons);
        Assert.Equal(("not-valid-on-date", "expired"), (reason.Code, reason.Detail));
        Assert.Contains("2026-12-31", reason.Message);
        Assert.Contains("2027-01-01", reason.Message);
    }

    [Fact]
    public void An_event_before_the_start_date_is_not_valid_on_date_because_the_policy_has_not_started()
    {
        var result = CoverageRules.Decide(Query(date: "2025-12-31"), Policy(), []);

        var reason = Assert.Single(result.Reasons);
        Assert.Equal(("not-valid-on-date", "not-yet-started"), (reason.Code, reason.Detail));
        Assert.Contains("2026-01-01", reason.Message);
    }

    [Fact]
    public void The_first_and_last_days_of_the_period_are_covered()
    {
        Assert.Equal("covered", CoverageRules.Decide(Query(date: "2026-01-01"), Policy(), []).Status);
        Assert.Equal("covered", CoverageRules.Decide(Query(date: "2026-12-31"), Policy(), []).Status);
    }

    [Theory]
    [InlineData("SCHENGEN", "US", false)]
    [InlineData("SCHENGEN", "fr", true)]
    [InlineData("SCHENGEN", "GB", false)]
    [InlineData("EUROPE", "GB", true)]
    [InlineData("EUROPE", "RU", false)]
    [InlineData("WORLD-EXCL-US-CA", "US", false)]
    [InlineData("WORLD-EXCL-US-CA", "CA", false)]
    [InlineData("WORLD-EXCL-US-CA", "MX", true)]
    [InlineData("WORLD", "US", true)]
    [InlineData("TR", "TR", true)]
    public void Territory_decides_by_country_and_region(string territory, string country, bool covered)
    {
        var result = CoverageRules.Decide(Query(country: country), Policy(territory: [territory]), []);

        Assert.Equal(covered ? "covered" : "not-covered", result.Status);
        if (!covered) Assert.Equal("territory-not-covered", Assert.Single(result.Reasons).Code);
    }

    [Fact]
    public void An_excluded_risk_is_risk_excluded()
    {
        var result = CoverageRules.Decide(Query(risk: "Alcohol "), Policy(), []);

        Assert.Equal("not-covered", result.Status);
        Assert.Equal("risk-excluded", Assert.Single(result.Reasons).Code);
    }

    [Fact]
    public void A_risk_outside_the_covered_list_is_risk_not_covered()
    {
        var result = CoverageRules.Decide(Query(risk: "pregnancy"), Policy(), []);

        Assert.Equal("risk-not-covered", Assert.Single(result.Reasons).Code);
    }

    [Fact]
    public void Every_reason_that_applies_is_given()
    {
        var result = CoverageRules.Decide(Query(date: "2027-02-01", country: "US", risk: "alcohol"), Policy(territory: ["SCHENGEN"]), []);

        Assert.Equal(["not-valid-on-date", "territory-not-covered", "risk-excluded"], result.Reasons.Select(r => r.Code));
    }

    [Fact]
    public void A_name_that_is_not_on_the_policy_found_by_number_needs_review()
    {
        var result = CoverageRules.Decide(Query(name: "Maria Ivanova"), Policy(), []);

        Assert.Equal("needs-review", result.Status);
        Assert.Equal("insured-not-on-policy", Assert.Single(result.Reasons).Code);
        Assert.Equal("TRV-1", result.Policy!.PolicyNumber);
    }

    [Fact]
    public void A_date_of_birth_that_differs_needs_review()
    {
        var result = CoverageRules.Decide(Query(born: new DateOnly(1956, 4, 13)), Policy(), []);

        Assert.Equal("needs-review", result.Status);
    }

    [Fact]
    public void Names_match_regardless_of_case_and_spacing()
    {
        var result = CoverageRules.Decide(Query(name: "  pyotr   IVANOV "), Policy(), []);

        Assert.Equal("covered", result.Status);
    }

    [Fact]
    public void Several_policies_matching_by_name_need_review_unless_exactly_one_covers()
    {
        var lastYear = Policy("OLD", "2025-01-01", "2025-12-31");
        var thisYear = Policy("NEW");
        var sameYear = Policy("OTHER");

        var one = CoverageRules.Decide(Query(number: null), null, [thisYear, lastYear]);
        var two = CoverageRules.Decide(Query(number: null), null, [thisYear, sameYear]);

        Assert.Equal(("covered", "NEW"), (one.Status, one.Policy!.PolicyNumber));
        Assert.Equal("needs-review", two.Status);
        Assert.Equal("several-policies-match", Assert.Single(two.Reasons).Code);
        Assert.Equal(["NEW", "OTHER"], two.Candidates);
        Assert.Null(two.Policy);
    }

    [Fact]
    public void A_wrong_number_for_a_person_insured_elsewhere_needs_review()
    {
        var result = CoverageRules.Decide(Query(number: "TRV-l"), null, [Policy()]);

        Assert.Equal("needs-review", result.Status);
        Assert.Equal("policy-number-not-found", Assert.Single(result.Reasons).Code);
        Assert.Equal(["TRV-1"], result.Candidates);
    }
}

/// <summary>The check as the appeal flow calls it, against the loaded register.</summary>
public sealed class Checking_coverage_against_a_loaded_register(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task Finds_the_policy_by_number_or_by_name_and_date_of_birth()
    {
        var tenant = Registers.Tenant();
        await intake.ClientFor(tenant).PostAsJsonAsync("/policies/batch", new[]
        {
            Registers.Policy("C-1", end: "2026-03-31"),
            Registers.Policy("C-2", insured: [new { fullName = "Maria Ivanova", dateOfBirth = "1988-03-03" }]),
        });
        var check = intake.Services.GetRequiredService<CoverageCheck>();
        var born = new DateOnly(1956, 4, 12);

        var byNumber = await check.CheckAsync(tenant, "C-1", "Pyotr Ivanov", born, new DateOnly(2026, 3, 15), "US", "illness");
        var expired = await check.CheckAsync(tenant, "C-1", "Pyotr Ivanov", born, new DateOnly(2026, 4, 2), "US", "illness");
        var byName = await check.CheckAsync(tenant, null, " maria  ivanova", new DateOnly(1988, 3, 3), new DateOnly(2026, 5, 1), "FR", null);
        var unknown = await check.CheckAsync(tenant, null, "Nobody", born, new DateOnly(2026, 5, 1), "FR", null);

        Assert.Equal(("covered", "C-1"), (byNumber.Status, byNumber.Policy!.PolicyNumber));
        Assert.Equal(("not-covered", "expired"), (expired.Status, Assert.Single(expired.Reasons).Detail));
        Assert.Equal(("covered", "C-2"), (byName.Status, byName.Policy!.PolicyNumber));
        Assert.Equal("policy-not-found", Assert.Single(unknown.Reasons).Code);
    }

    [Fact]
    public async Task An_appeal_is_checked_the_same_way_by_number_by_name_or_by_name_after_an_unknown_number()
    {
        var tenant = Registers.Tenant();
        var client = intake.ClientFor(tenant);
        await client.PostAsJsonAsync("/policies/batch", new[]
        {
            Registers.Policy("A-1"),
            Registers.Policy("A-2", insured: [new { fullName = "Maria Ivanova", dateOfBirth = "1988-03-03" }]),
        });
        async Task<JsonElement> Appeal(string? number, string name, string born) =>
            (await (await client.PostAsJsonAsync("/appeals", new
            {
                channel = "phone",
                caller = new { name, relation = "insured", phone = "+7 916 555-01-02" },
                insured = new { policyNumber = number, fullName = name, dateOfBirth = born },
                location = new { country = "TR" },
                eventDate = "2026-06-01",
                description = "High fever since last night",
            })).BodyAsync()).GetProperty("coverage");

        var byNumber = await Appeal("A-1", "Pyotr Ivanov", "1956-04-12");
        var byName = await Appeal(null, "maria ivanova", "1988-03-03");
        var unknownNumber = await Appeal("A-9", "Maria Ivanova", "1988-03-03");
        var nobody = await Appeal(null, "Nobody Known", "1970-01-01");

        Assert.Equal(("covered", "A-1"), (byNumber.GetProperty("status").GetString(), byNumber.GetProperty("policy").GetProperty("policyNumber").GetString()));
        Assert.Equal(("covered", "A-2"), (byName.GetProperty("status").GetString(), byName.GetProperty("policy").GetProperty("policyNumber").GetString()));
        // The number finds nothing, so the person's policies are looked up in a second round trip.
        Assert.Equal("needs-review", unknownNumber.GetProperty("status").GetString());
        Assert.Equal("policy-number-not-found", unknownNumber.GetProperty("reasons")[0].GetProperty("code").GetString());
        Assert.Equal("A-2", unknownNumber.GetProperty("policy").GetProperty("policyNumber").GetString());
        Assert.Equal(("not-covered", "policy-not-found"), (nobody.GetProperty("status").GetString(), nobody.GetProperty("reasons")[0].GetProperty("code").GetString()));
    }
}
