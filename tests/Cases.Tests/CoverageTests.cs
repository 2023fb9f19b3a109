using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Cases.Coverage;
using Platform.Contracts;

namespace Platform.Cases.Tests;

/// <summary>The case's policy (CasesFactory.Appeal) limits medical expenses to 50,000 USD; thresholds are 80 and 100 percent.</summary>
public sealed class Coverage_consumption(CasesFactory cases) : IClassFixture<CasesFactory>
{
    private const string Medical = "medical-expenses";

    [Fact]
    public async Task Tells_the_caller_in_her_language_that_the_clinic_holds_a_guarantee_and_what_she_still_pays_until_it_is_revoked()
    {
        const string tenant = "cov-told";
        var (caseId, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal(tenant, "Told Person"));
        var letter = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var client = cases.ClientFor(tenant);
        async Task<Dictionary<string, string>> StepsAsync() =>
            (await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/cases/{number}/briefing")).GetProperty("nextStepsForCaller")
            .EnumerateArray().ToDictionary(s => s.GetProperty("code").GetString()!, s => s.GetProperty("text").GetString()!);

        await CaseOpening.PublishAndWaitAsync(cases, new GuaranteeLetterIssued(letter, tenant, caseId, Medical, 10_000m, "USD", now,
            "GOP-2026-000007", "Orlando Regional Hospital", 250m));
        var held = await StepsAsync();
        await CaseOpening.PublishAndWaitAsync(cases, new GuaranteeLetterRevoked(letter, tenant, caseId, now.AddHours(1)));
        var revoked = await StepsAsync();

        Assert.Equal("Клиника «Orlando Regional Hospital» получила наше гарантийное письмо GOP-2026-000007: за лечение по полису вы ничего " +
                     "не платите, кроме доплаты 250,00 USD.", held["guarantee"].Replace('\u00a0', ' '));
        Assert.False(revoked.ContainsKey("guarantee"));
    }

    [Fact]
    public async Task Counts_letters_as_reserved_and_invoices_as_spent_without_counting_twice()
    {
        const string tenant = "cov-sums";
        var (caseId, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal(tenant, "Sums Person"));
        var letter = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;

        await CaseOpening.PublishAndWaitAsync(cases, new GuaranteeLetterIssued(letter, tenant, caseId, Medical, 20_000m, "USD", now));
        var issued = await BenefitAsync(tenant, number);
        await CaseOpening.PublishAndWaitAsync(cases, new InvoiceAdjudicated(Guid.NewGuid(), tenant, caseId, Medical, 12_000m, "USD", letter, now.AddHours(1)));
        var billedUnderLetter = await BenefitAsync(tenant, number);
        await CaseOpening.PublishAndWaitAsync(cases, new InvoiceAdjudicated(Guid.NewGuid(), tenant, caseId, Medical, 3_000m, "USD", null, now.AddHours(2)));
        await CaseOpening.PublishAndWaitAsync(cases, new GuaranteeLetterAmended(letter, tenant, caseId, Medical, 25_000m, "USD", now.AddHours(3)));
        var amended = await BenefitAsync(tenant, number);
        await CaseOpening.PublishAndWaitAsync(cases, new GuaranteeLetterRevoked(letter, tenant, caseId, now.AddHours(4)));
        var revoked = await BenefitAsync(tenant, number);

        AssertFigures(issued, reserved: 20_000m, spent: 0m, remaining: 30_000m, percent: 40m);
        // The invoice under the letter moves 12,000 from reserved to spent: used stays 20,000.
        AssertFigures(billedUnderLetter, reserved: 8_000m, spent: 12_000m, remaining: 30_000m, percent: 40m);
        AssertFigures(amended, reserved: 13_000m, spent: 15_000m, remaining: 22_000m, percent: 56m);
        AssertFigures(revoked, reserved: 0m, spent: 15_000m, remaining: 35_000m, percent: 30m);
        Assert.Equal(50_000m, revoked.GetProperty("limit").GetDecimal());
        Assert.Equal("USD", revoked.GetProperty("currency").GetString());
        var kinds = (await cases.ClientFor(tenant).GetFromJsonAsync<JsonElement>($"/cases/{number}/timeline")).EnumerateArray()
            .Select(e => e.GetProperty("kind").GetString()).Where(k => k!.StartsWith("guarantee") || k.StartsWith("invoice")).ToArray();
        Assert.Equal(new string?[] { "guarantee-letter-issued", "invoice-adjudicated", "invoice-adjudicated", "guarantee-letter-amended", "guarantee-letter-revoked" }, kinds);
    }

    [Fact]
    public async Task Warns_once_per_threshold_with_an_event_a_task_and_a_message_to_the_contact()
    {
        const string tenant = "cov-warn";
        var (caseId, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal(tenant, "Warn Person"));
        var now = DateTimeOffset.UtcNow;
        var letter = new GuaranteeLetterIssued(Guid.NewGuid(), tenant, caseId, Medical, 40_000m, "USD", now);
        var messageId = Guid.NewGuid();

        await CaseOpening.PublishAndWaitAsync(cases, letter, messageId);
        await CaseOpening.PublishAndWaitAsync(cases, letter, messageId);          // redelivered
        await CaseOpening.PublishAndWaitAsync(cases, letter);                     // the same fact published again
        var at80 = await WarningsAsync(caseId);
        await CaseOpening.PublishAndWaitAsync(cases, new GuaranteeLetterIssued(Guid.NewGuid(), tenant, caseId, Medical, 1_000m, "USD", now));
        var at82 = await WarningsAsync(caseId);
        await CaseOpening.PublishAndWaitAsync(cases, new InvoiceAdjudicated(Guid.NewGuid(), tenant, caseId, Medical, 10_000m, "USD", null, now));
        var at102 = await WarningsAsync(caseId);

        Assert.Equal((Events: 1, Tasks: 1, Messages: 1), at80);
        Assert.Equal(at80, at82);
        Assert.Equal((Events: 2, Tasks: 2, Messages: 2), at102);
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM coverage_entries WHERE case_id = @id AND kind = 'letter-issued' AND source_id = @letter",
            ("id", caseId), ("letter", letter.LetterId)));
        Assert.Equal(1, await cases.CountAsync("""
            SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.CoverageThresholdReached,%'
              AND body->>'caseNumber' = @number AND (body->>'thresholdPercent')::int = 80 AND (body->>'reserved')::numeric = 40000
              AND (body->>'limit')::numeric = 50000 AND body->>'currency' = 'USD' AND body->>'benefit' = 'medical-expenses'
            """, ("number", number)));
        Assert.Equal(1, await cases.CountAsync(
            "SELECT count(*) FROM case_tasks WHERE case_id = @id AND kind = 'coverage-warning' AND dedup_key = 'coverage:medical-expenses:100'", ("id", caseId)));

        // The daughter speaks Russian: she is told how much is used, of what, and that costs above the limit are hers.
        var messages = await CaseOpening.ScalarAsync(cases,
            "SELECT string_agg(text, ' | ' ORDER BY created_at) FROM contact_messages WHERE case_id = @id AND kind = 'coverage-warning'", ("id", caseId));
        Assert.Contains("использовано 80% лимита по риску «медицинские расходы»", messages);
        Assert.Contains("лимит по риску «медицинские расходы»", messages.Split(" | ")[1]);
        Assert.Contains("исчерпан", messages.Split(" | ")[1]);
        Assert.Contains("Расходы сверх лимита полисом не покрываются", messages);

        var benefit = await BenefitAsync(tenant, number);
        Assert.Equal([80, 100], benefit.GetProperty("thresholdsReached").EnumerateArray().Select(t => t.GetInt32()));
        AssertFigures(benefit, reserved: 41_000m, spent: 10_000m, remaining: -1_000m, percent: 102m);
    }

    [Fact]
    public async Task Crossing_both_thresholds_at_once_publishes_both_but_makes_one_task_and_one_message()
    {
        const string tenant = "cov-jump";
        var (caseId, _) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal(tenant, "Jump Person"));

        await CaseOpening.PublishAndWaitAsync(cases,
            new InvoiceAdjudicated(Guid.NewGuid(), tenant, caseId, Medical, 60_000m, "USD", null, DateTimeOffset.UtcNow));

        Assert.Equal((Events: 2, Tasks: 1, Messages: 1), await WarningsAsync(caseId));
    }

    [Fact]
    public async Task Ignores_an_event_whose_tenant_is_not_the_cases()
    {
        const string tenant = "cov-owner";
        var (caseId, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal(tenant, "Owner Person"));

        await CaseOpening.PublishAndWaitAsync(cases,
            new GuaranteeLetterIssued(Guid.NewGuid(), "cov-intruder", caseId, Medical, 45_000m, "USD", DateTimeOffset.UtcNow));

        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM coverage_entries WHERE case_id = @id", ("id", caseId)));
        Assert.Equal(0m, (await BenefitAsync(tenant, number)).GetProperty("reserved").GetDecimal());
        Assert.Equal((Events: 0, Tasks: 0, Messages: 0), await WarningsAsync(caseId));
        Assert.Equal(HttpStatusCode.NotFound, (await cases.ClientFor("cov-intruder").GetAsync($"/cases/{caseId}/coverage")).StatusCode);
    }

    [Fact]
    public async Task Flags_amounts_in_another_currency_and_does_not_count_them()
    {
        const string tenant = "cov-currency";
        var (caseId, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal(tenant, "Currency Person"));

        await CaseOpening.PublishAndWaitAsync(cases,
            new GuaranteeLetterIssued(Guid.NewGuid(), tenant, caseId, Medical, 45_000m, "EUR", DateTimeOffset.UtcNow));
        await CaseOpening.PublishAndWaitAsync(cases,
            new GuaranteeLetterIssued(Guid.NewGuid(), tenant, caseId, Medical, 1_000m, "EUR", DateTimeOffset.UtcNow));

        var benefit = await BenefitAsync(tenant, number);
        AssertFigures(benefit, reserved: 0m, spent: 0m, remaining: 50_000m, percent: 0m);
        var unconverted = benefit.GetProperty("unconverted").EnumerateArray().Single();
        Assert.Equal("EUR", unconverted.GetProperty("currency").GetString());
        Assert.Equal(46_000m, unconverted.GetProperty("reserved").GetDecimal());
        Assert.Equal(1, await cases.CountAsync(
            "SELECT count(*) FROM case_tasks WHERE case_id = @id AND dedup_key = 'coverage-currency:medical-expenses:EUR'", ("id", caseId)));
        Assert.Equal(1, await cases.CountAsync(
            "SELECT count(*) FROM timeline_entries WHERE case_id = @id AND kind = 'coverage-currency-mismatch'", ("id", caseId)));
    }

    [Fact]
    public async Task Publishes_the_cover_when_the_case_opens_and_after_each_change_with_increasing_versions()
    {
        const string tenant = "cov-event";
        var (caseId, number) = await CaseOpening.OpenAsync(cases, CasesFactory.Appeal(tenant, "Event Person"));
        var letter = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;

        await CaseOpening.PublishAndWaitAsync(cases, new GuaranteeLetterIssued(letter, tenant, caseId, Medical, 20_000m, "USD", now));
        await CaseOpening.PublishAndWaitAsync(cases, new InvoiceAdjudicated(Guid.NewGuid(), tenant, caseId, Medical, 5_000m, "USD", letter, now));

        var events = await CoverageEventsAsync(caseId);
        Assert.Equal(3, events.Count);
        Assert.Equal(0, events[0].GetProperty("version").GetInt64());
        Assert.True(events[1].GetProperty("version").GetInt64() > 0);
        Assert.True(events[2].GetProperty("version").GetInt64() > events[1].GetProperty("version").GetInt64());
        Assert.All(events, e =>
        {
            Assert.Equal(tenant, e.GetProperty("tenantId").GetString());
            Assert.Equal(number, e.GetProperty("caseNumber").GetString());
            Assert.Equal("Event Person", e.GetProperty("insured").GetProperty("fullName").GetString());
            // The policy's terms travel with every picture: billing adjudicates invoices against them.
            Assert.Contains(e.GetProperty("policy").GetProperty("limits").EnumerateArray(), l => l.GetProperty("benefit").GetString() == Medical);
        });
        var (opened, issued, billed) = (Figures(events[0]), Figures(events[1]), Figures(events[2]));
        Assert.Equal((50_000m, "USD", 0m, 0m), opened);
        Assert.Equal((50_000m, "USD", 20_000m, 0m), issued);
        Assert.Equal((50_000m, "USD", 15_000m, 5_000m), billed);

        static (decimal?, string?, decimal, decimal) Figures(JsonElement e)
        {
            var b = e.GetProperty("benefits").EnumerateArray().Single(b => b.GetProperty("benefit").GetString() == Medical);
            return (b.GetProperty("limit").GetDecimal(), b.GetProperty("currency").GetString(), b.GetProperty("reserved").GetDecimal(),
                b.GetProperty("spent").GetDecimal());
        }
    }

    private async Task<List<JsonElement>> CoverageEventsAsync(Guid caseId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(cases.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("""
            SELECT body::text FROM outbox_messages
            WHERE message_type LIKE 'Platform.Contracts.CaseCoverageChanged,%' AND (body->>'caseId')::uuid = @id
            ORDER BY (body->>'version')::bigint
            """, connection);
        cmd.Parameters.AddWithValue("id", caseId);
        var list = new List<JsonElement>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add(JsonDocument.Parse(r.GetString(0)).RootElement.Clone());
        return list;
    }

    private async Task<JsonElement> BenefitAsync(string tenant, string number)
    {
        var coverage = await cases.ClientFor(tenant).GetFromJsonAsync<JsonElement>($"/cases/{number}/coverage");
        Assert.Equal(number, coverage.GetProperty("caseNumber").GetString());
        return coverage.GetProperty("benefits").EnumerateArray().Single(b => b.GetProperty("benefit").GetString() == Medical);
    }

    private static void AssertFigures(JsonElement benefit, decimal reserved, decimal spent, decimal remaining, decimal percent)
    {
        Assert.Equal(reserved, benefit.GetProperty("reserved").GetDecimal());
        Assert.Equal(spent, benefit.GetProperty("spent").GetDecimal());
        Assert.Equal(reserved + spent, benefit.GetProperty("used").GetDecimal());
        Assert.Equal(remaining, benefit.GetProperty("remaining").GetDecimal());
        Assert.Equal(percent, benefit.GetProperty("percent").GetDecimal());
    }

    private async Task<(long Events, long Tasks, long Messages)> WarningsAsync(Guid caseId) => (
        await cases.CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.CoverageThresholdReached,%' AND (body->>'caseId')::uuid = @id", ("id", caseId)),
        await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE case_id = @id AND kind = 'coverage-warning'", ("id", caseId)),
        await cases.CountAsync("SELECT count(*) FROM contact_messages WHERE case_id = @id AND kind = 'coverage-warning'", ("id", caseId)));
}

public sealed class Coverage_calculation
{
    private static readonly CoverLimit[] Limits = [new("medical-expenses", 10_000m, "USD")];
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_warning_names_the_benefit_in_words_in_either_language_never_by_its_code()
    {
        var benefit = new BenefitCoverage("medical-expenses", 50_000m, "USD", 40_000m, 0m, 40_000m, 10_000m, 80m, [80], []);

        var english = CoverageLedger.WarningMessage("en", "2026-000001", benefit, 80);
        var russian = CoverageLedger.WarningMessage("ru", "2026-000001", benefit, 80);

        Assert.StartsWith("Case 2026-000001: 80% of the medical expenses limit is used, 40,000.00 of 50,000.00 USD", english);
        Assert.Contains("«медицинские расходы»", russian);
        Assert.DoesNotContain("medical-expenses", english + russian);
    }

    [Fact]
    public void An_amendment_that_arrives_before_its_letter_still_wins()
    {
        var letter = Guid.NewGuid();
        var figures = Compute(
            Entry(2, CoverageEntryKinds.LetterAmended, letter, null, 7_000m, T0.AddHours(1)),
            Entry(3, CoverageEntryKinds.LetterIssued, letter, null, 5_000m, T0));

        Assert.Equal(7_000m, figures.Reserved);
    }

    [Fact]
    public void An_invoice_above_its_letter_releases_all_of_it_and_is_spent_in_full()
    {
        var letter = Guid.NewGuid();
        var figures = Compute(
            Entry(1, CoverageEntryKinds.LetterIssued, letter, null, 5_000m, T0),
            Entry(2, CoverageEntryKinds.InvoiceAdjudicated, Guid.NewGuid(), letter, 6_500m, T0.AddHours(1)));

        Assert.Equal((0m, 6_500m, 65m), (figures.Reserved, figures.Spent, figures.Percent));
    }

    [Fact]
    public void A_readjudicated_invoice_replaces_the_earlier_amount_and_stays_spent_after_its_letter_is_revoked()
    {
        var letter = Guid.NewGuid();
        var invoice = Guid.NewGuid();
        var figures = Compute(
            Entry(1, CoverageEntryKinds.LetterIssued, letter, null, 5_000m, T0),
            Entry(2, CoverageEntryKinds.InvoiceAdjudicated, invoice, letter, 4_000m, T0.AddHours(1)),
            Entry(3, CoverageEntryKinds.InvoiceAdjudicated, invoice, letter, 3_000m, T0.AddHours(2)),
            Entry(4, CoverageEntryKinds.LetterRevoked, letter, null, null, T0.AddHours(3)));

        Assert.Equal((0m, 3_000m), (figures.Reserved, figures.Spent));
    }

    [Theory]
    [InlineData(7_999.99, 80, false)]
    [InlineData(8_000, 80, true)]
    [InlineData(10_000, 100, true)]
    public void A_threshold_is_reached_at_exactly_its_share_of_the_limit(double used, int threshold, bool reached)
    {
        var figures = Compute(Entry(1, CoverageEntryKinds.InvoiceAdjudicated, Guid.NewGuid(), null, (decimal)used, T0));

        Assert.Equal(reached, CoverageCalculation.Reached(figures, threshold));
    }

    private static BenefitCoverage Compute(params CoverageEntry[] entries) =>
        CoverageCalculation.Compute(Limits, entries, []).Single();

    private static CoverageEntry Entry(long id, string kind, Guid source, Guid? letter, decimal? amount, DateTimeOffset at) =>
        new(id, kind, source, letter, kind == CoverageEntryKinds.LetterRevoked ? null : "medical-expenses", amount,
            kind == CoverageEntryKinds.LetterRevoked ? null : "USD", at);
}
