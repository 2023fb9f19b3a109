using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Tests;

namespace Platform.Billing.Tests;

/// <summary>The case study's bills: 38,000 and 9,000 USD against a 50,000 USD limit with a 100 USD deductible.</summary>
public sealed class The_case_study_invoices(BillingFactory billing) : IClassFixture<BillingFactory>
{
    [Fact]
    public async Task Are_adjudicated_line_by_line_with_the_duplicate_and_the_rehabilitation_rejected_and_the_spend_reported()
    {
        const string tenant = "billing-study";
        var caseId = await Bill.CaseAsync(billing, tenant, "STUDY-2026-000001");
        await Bill.LetterAsync(billing, tenant, caseId, "GOP-2026-000001", "ORL-001", 40_000m);
        var client = billing.ClientFor(tenant);

        var first = await Bill.SubmitAsync(client, Bill.Invoice("INV-38000", "ORL-001", null, "GOP-2026-000001",
            Bill.Line("99285", 2_500m, description: "Emergency department visit"),
            Bill.Line("92941", 28_000m, description: "Percutaneous coronary intervention"),
            Bill.Line("99233", 7_200m, quantity: 4, description: "Subsequent hospital care"),
            Bill.Line("71046", 300m, description: "Chest X-ray")));
        var second = await Bill.SubmitAsync(client, Bill.Invoice("INV-9000", "ORL-001", "STUDY-2026-000001", null,
            Bill.Line("71046", 300m, description: "Chest X-ray"),
            Bill.Line("97110", 1_200m, benefit: "rehabilitation", description: "Therapeutic exercises"),
            Bill.Line("93306", 2_500m, description: "Echocardiography"),
            Bill.Line("99239", 5_000m, description: "Discharge day management")));

        Assert.Equal("adjudicated", first.GetProperty("status").GetString());
        var d1 = first.GetProperty("decision");
        Assert.Equal((38_000m, 37_900m, 100m), (d1.GetProperty("billed").GetDecimal(), d1.GetProperty("approved").GetDecimal(),
            d1.GetProperty("patientResponsibility").GetDecimal()));
        Assert.Equal("PR-1", first.GetProperty("lines")[0].GetProperty("adjustments")[0].GetProperty("code").GetString());

        var lines = second.GetProperty("lines").EnumerateArray().ToArray();
        Assert.Equal(["rejected", "rejected", "approved", "approved"], lines.Select(l => l.GetProperty("outcome").GetString()));
        Assert.Equal("CO-18", lines[0].GetProperty("adjustments")[0].GetProperty("code").GetString());
        Assert.Equal("CO-96", lines[1].GetProperty("adjustments")[0].GetProperty("code").GetString());
        Assert.Equal(7_500m, second.GetProperty("decision").GetProperty("approved").GetDecimal());

        // Cases and the clinic network are told what each invoice spent, per benefit, in the policy's currency.
        var reported = await Bill.ReportedAsync(billing, caseId);
        Assert.Equal([(Bill.Medical, 37_900m, "USD"), (Bill.Medical, 7_500m, "USD"), ("rehabilitation", 0m, "USD")], reported);

        var statement = await client.GetFromJsonAsync<JsonElement>("/cases/STUDY-2026-000001/statement");
        Assert.Equal((47_000m, 45_400m, 1_500m, 100m, 0m, 45_400m), (statement.GetProperty("billed").GetDecimal(),
            statement.GetProperty("approved").GetDecimal(), statement.GetProperty("rejected").GetDecimal(),
            statement.GetProperty("patientResponsibility").GetDecimal(), statement.GetProperty("paid").GetDecimal(),
            statement.GetProperty("open").GetDecimal()));
    }

    [Fact]
    public async Task Explain_each_adjustment_in_the_readers_language()
    {
        const string tenant = "billing-language";
        await Bill.CaseAsync(billing, tenant, "LANG-1");
        var client = billing.ClientFor(tenant);
        var invoice = await Bill.SubmitAsync(client, Bill.Invoice("INV-L", "ORL-001", "LANG-1", null,
            Bill.Line("97110", 1_200m, benefit: "rehabilitation")));

        var ru = await client.GetFromJsonAsync<JsonElement>($"/invoices/{invoice.GetProperty("id")}?language=ru");
        var en = await client.GetFromJsonAsync<JsonElement>($"/invoices/{invoice.GetProperty("id")}?language=en");

        var ruText = ru.GetProperty("lines")[0].GetProperty("adjustments")[0].GetProperty("explanation").GetString()!;
        var enText = en.GetProperty("lines")[0].GetProperty("adjustments")[0].GetProperty("explanation").GetString()!;
        Assert.Matches("[а-яА-Я]", ruText);
        Assert.DoesNotMatch("[а-яА-Я]", enText);
        Assert.NotEqual(ruText, enText);
    }
}

public sealed class An_invoice(BillingFactory billing) : IClassFixture<BillingFactory>
{
    [Fact]
    public async Task Whose_sums_do_not_add_up_is_returned_for_correction_and_the_corrected_one_replaces_it()
    {
        const string tenant = "billing-return";
        var caseId = await Bill.CaseAsync(billing, tenant, "RET-1");
        var client = billing.ClientFor(tenant);
        var bad = Bill.Invoice("INV-R", "ORL-001", "RET-1", null, new
        {
            serviceCode = "99285", codeSystem = "CPT", serviceDate = Bill.Day, quantity = 2, unitPrice = 500m, amount = 1_500m,
            diagnosisPointers = new[] { 1 },
        });

        var returned = await Bill.SubmitAsync(client, bad);

        Assert.Equal("returned", returned.GetProperty("status").GetString());
        Assert.Contains("Line 1", returned.GetProperty("returnReason").GetString());
        Assert.Equal("CO-16", returned.GetProperty("lines")[0].GetProperty("adjustments")[0].GetProperty("code").GetString());
        Assert.Empty(await Bill.ReportedAsync(billing, caseId)); // nothing was decided, so nothing is reported as spent

        var corrected = await Bill.SubmitAsync(client, Bill.Invoice("INV-R", "ORL-001", "RET-1", null, Bill.Line("99285", 1_000m)));
        Assert.Equal("adjudicated", corrected.GetProperty("status").GetString());
        Assert.Equal(900m, corrected.GetProperty("decision").GetProperty("approved").GetDecimal());
        var all = await client.GetFromJsonAsync<JsonElement>("/invoices?caseNumber=RET-1");
        Assert.Equal(2, all.GetArrayLength());
    }

    [Fact]
    public async Task Returned_after_its_decision_gives_back_what_it_spent_and_cancels_the_pending_payment()
    {
        const string tenant = "billing-return-late";
        var caseId = await Bill.CaseAsync(billing, tenant, "RET-2", Bill.Policy(currency: "EUR", deductible: 0));
        var client = billing.ClientFor(tenant);
        (await client.PostAsJsonAsync("/rates/batch", new { rates = new[] { new { date = new DateOnly(2026, 1, 20), currency = "USD", @base = "EUR", rate = 0.9m } } }))
            .EnsureSuccessStatusCode();
        var invoice = await Bill.SubmitAsync(client, Bill.Invoice("INV-RL", "ORL-001", "RET-2", null, Bill.Line("99285", 1_000m)));
        Assert.Equal("adjudicated", invoice.GetProperty("status").GetString());

        var response = await client.PostAsJsonAsync($"/invoices/{invoice.GetProperty("id")}/return", new { reason = "The itemised bill is missing." });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var returned = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("returned", "The itemised bill is missing."), (returned.GetProperty("status").GetString(), returned.GetProperty("returnReason").GetString()));
        // What Cases was told, in the policy's currency both times: 900 EUR spent, then nothing.
        Assert.Equal([(Bill.Medical, 900m, "EUR"), (Bill.Medical, 0m, "EUR")], await Bill.ReportedAsync(billing, caseId));
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/payments?caseNumber=RET-2")).GetArrayLength());
    }

    [Fact]
    public async Task Exchange_rates_load_from_csv_and_a_bad_row_is_named()
    {
        var client = billing.ClientFor("billing-rates-csv");
        var good = await client.PostAsync("/rates/batch", new StringContent("date,currency,base,rate\n2026-01-05,EUR,USD,1.08\n2026-01-06,EUR,USD,\"1.09\"\n",
            System.Text.Encoding.UTF8, "text/csv"));
        var bad = await client.PostAsync("/rates/batch", new StringContent("2026-01-07,EUR,USD,abc\n", System.Text.Encoding.UTF8, "text/csv"));

        Assert.Equal(2, (await good.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rates").GetInt32());
        var problem = await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest, Microsoft.Extensions.Hosting.ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty("rates[0].rate", out _));
        Assert.Equal(2, (await client.GetFromJsonAsync<JsonElement>("/rates?currency=EUR&base=USD")).GetArrayLength());
    }

    [Fact]
    public async Task Sent_twice_under_one_number_is_a_conflict_naming_the_first()
    {
        const string tenant = "billing-twice";
        await Bill.CaseAsync(billing, tenant, "TWICE-1");
        var client = billing.ClientFor(tenant);
        var first = await Bill.SubmitAsync(client, Bill.Invoice("INV-T", "ORL-001", "TWICE-1", null, Bill.Line("99285", 1_000m)));

        var again = await client.PostAsJsonAsync("/invoices", Bill.Invoice("INV-T", "ORL-001", "TWICE-1", null, Bill.Line("99285", 1_000m)));

        var problem = await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, Microsoft.Extensions.Hosting.ProblemTypes.Conflict);
        Assert.Contains(first.GetProperty("id").GetString()!, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Line_can_be_decided_by_a_doctor_with_a_reason_and_the_spend_is_reported_again_until_the_payment_is_sent()
    {
        const string tenant = "billing-override";
        var caseId = await Bill.CaseAsync(billing, tenant, "OVR-1", Bill.Policy(deductible: 0));
        var client = billing.ClientFor(tenant);
        var invoice = await Bill.SubmitAsync(client, Bill.Invoice("INV-O", "ORL-001", "OVR-1", null, Bill.Line("71046", 300m), Bill.Line("71046", 300m)));
        var id = invoice.GetProperty("id").GetString();

        var response = await client.PostAsJsonAsync($"/invoices/{id}/lines/2/override",
            new { outcome = "approved", reason = "The first image was unreadable; the X-ray was repeated." });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var decided = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(600m, decided.GetProperty("decision").GetProperty("approved").GetDecimal());
        Assert.Equal(2, decided.GetProperty("decision").GetProperty("revision").GetInt32());
        Assert.Equal("The first image was unreadable; the X-ray was repeated.",
            decided.GetProperty("lines")[1].GetProperty("override").GetProperty("reason").GetString());
        Assert.Equal([300m, 600m], (await Bill.ReportedAsync(billing, caseId)).Select(r => r.Amount));

        var payment = (await client.GetFromJsonAsync<JsonElement>("/payments?caseNumber=OVR-1"))[0];
        Assert.Equal((600m, "pending", "clinic"), (payment.GetProperty("amount").GetDecimal(), payment.GetProperty("status").GetString(),
            payment.GetProperty("payeeKind").GetString()));
        (await client.PostAsJsonAsync($"/payments/{payment.GetProperty("id")}/status", new { status = "sent" })).EnsureSuccessStatusCode();

        var late = await client.PostAsJsonAsync($"/invoices/{id}/lines/1/override", new { outcome = "rejected", reason = "Not needed." });
        await ProblemAssert.IsProblemAsync(late, HttpStatusCode.Conflict, Microsoft.Extensions.Hosting.ProblemTypes.Conflict);
    }

    [Fact]
    public async Task Of_a_second_case_under_the_same_policy_does_not_take_the_deductible_again()
    {
        const string tenant = "billing-deductible";
        await Bill.CaseAsync(billing, tenant, "DED-1", Bill.Policy(policyNumber: "POL-ONE"));
        await Bill.CaseAsync(billing, tenant, "DED-2", Bill.Policy(policyNumber: "POL-ONE"));
        var client = billing.ClientFor(tenant);

        var results = await Task.WhenAll(
            Bill.SubmitAsync(client, Bill.Invoice("INV-DED-1", "ORL-001", "DED-1", null, Bill.Line("99285", 1_000m))),
            Bill.SubmitAsync(client, Bill.Invoice("INV-DED-2", "MIA-002", "DED-2", null, Bill.Line("99285", 1_000m))));

        Assert.Equal(100m, results.Sum(r => r.GetProperty("decision").GetProperty("patientResponsibility").GetDecimal()));
        Assert.Equal(1_900m, results.Sum(r => r.GetProperty("decision").GetProperty("approved").GetDecimal()));
    }

    [Fact]
    public async Task Above_the_clinics_tariff_is_reduced_to_it()
    {
        const string tenant = "billing-tariff";
        await Bill.CaseAsync(billing, tenant, "TAR-1", Bill.Policy(deductible: 0));
        await Bill.PricesAsync(billing, tenant, "ORL-001", ("99285", 1_800m));
        var invoice = await Bill.SubmitAsync(billing.ClientFor(tenant), Bill.Invoice("INV-TAR", "ORL-001", "TAR-1", null, Bill.Line("99285", 2_500m)));

        var line = invoice.GetProperty("lines")[0];
        Assert.Equal(("reduced", 1_800m), (line.GetProperty("outcome").GetString(), line.GetProperty("paid").GetDecimal()));
        Assert.Equal("CO-45", line.GetProperty("adjustments")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task In_another_currency_waits_for_its_exchange_rate_and_records_the_rate_it_was_converted_at()
    {
        const string tenant = "billing-rates";
        var caseId = await Bill.CaseAsync(billing, tenant, "FX-1", Bill.Policy(currency: "EUR", deductible: 0));
        var client = billing.ClientFor(tenant);
        var invoice = Bill.Invoice("INV-FX", "ORL-001", "FX-1", null, Bill.Line("99285", 1_000m));

        var pending = await Bill.SubmitAsync(client, invoice);
        Assert.Equal("pending", pending.GetProperty("status").GetString());
        Assert.Contains("USD to EUR", pending.GetProperty("pendingReason").GetString());

        var load = await client.PostAsJsonAsync("/rates/batch", new { rates = new[] { new { date = new DateOnly(2026, 1, 24), currency = "EUR", @base = "USD", rate = 1.25m } } });
        var loaded = await load.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, loaded.GetProperty("invoicesAdjudicated").GetInt32());

        var decided = await client.GetFromJsonAsync<JsonElement>($"/invoices/{pending.GetProperty("id")}");
        var decision = decided.GetProperty("decision");
        Assert.Equal(("EUR", 0.8m, "2026-01-24", 800m), (decision.GetProperty("policyCurrency").GetString(), decision.GetProperty("rate").GetDecimal(),
            decision.GetProperty("rateDate").GetString(), decision.GetProperty("approvedInPolicyCurrency").GetDecimal()));
        Assert.Equal([(Bill.Medical, 800m, "EUR")], await Bill.ReportedAsync(billing, caseId));
    }

    [Fact]
    public async Task Of_another_tenant_cannot_be_read_nor_billed_to_and_looks_like_a_missing_one()
    {
        await Bill.CaseAsync(billing, "billing-owner", "OWN-1");
        var owner = await Bill.SubmitAsync(billing.ClientFor("billing-owner"), Bill.Invoice("INV-OWN", "ORL-001", "OWN-1", null, Bill.Line("99285", 100m)));
        var stranger = billing.ClientFor("billing-stranger");

        await ProblemAssert.IsProblemAsync(await stranger.GetAsync($"/invoices/{owner.GetProperty("id")}"), HttpStatusCode.NotFound,
            Microsoft.Extensions.Hosting.ProblemTypes.NotFound);
        var foreign = await stranger.PostAsJsonAsync("/invoices", Bill.Invoice("INV-X", "ORL-001", "OWN-1", null, Bill.Line("99285", 100m)));
        var missing = await stranger.PostAsJsonAsync("/invoices", Bill.Invoice("INV-X", "ORL-001", "NONE-1", null, Bill.Line("99285", 100m)));
        var a = await ProblemAssert.IsProblemAsync(foreign, HttpStatusCode.BadRequest, Microsoft.Extensions.Hosting.ProblemTypes.Validation);
        var b = await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.BadRequest, Microsoft.Extensions.Hosting.ProblemTypes.Validation);
        Assert.True(a.GetProperty("errors").TryGetProperty("caseNumber", out _));
        Assert.Equal(a.GetProperty("errors").GetProperty("caseNumber")[0].GetString()!.Replace("OWN-1", "X"),
            b.GetProperty("errors").GetProperty("caseNumber")[0].GetString()!.Replace("NONE-1", "X"));
        Assert.Equal(0L, await billing.CountAsync("SELECT count(*) FROM invoices WHERE tenant_id = 'billing-stranger'"));
    }
}

public sealed class A_clinic_with_its_own_key(BillingFactory billing) : IClassFixture<BillingFactory>
{
    [Fact]
    public async Task Bills_as_itself_and_sees_only_its_own_invoices_and_a_letter_issued_to_another_clinic_is_returned()
    {
        const string tenant = "billing-clinic";
        var caseId = await Bill.CaseAsync(billing, tenant, "CLN-1");
        await Bill.LetterAsync(billing, tenant, caseId, "GOP-2026-000077", "MIA-002", 5_000m);
        var orlando = billing.ClientFor(tenant, actor: "clinic:ORL-001", kind: "clinic", roles: "clinic");
        var miami = billing.ClientFor(tenant, actor: "clinic:MIA-002", kind: "clinic", roles: "clinic");

        var own = await Bill.SubmitAsync(orlando, Bill.Invoice("INV-C1", "ignored", "CLN-1", null, Bill.Line("99285", 1_000m)), "/clinic/invoices");
        var underOther = await Bill.SubmitAsync(orlando, Bill.Invoice("INV-C2", "ignored", null, "GOP-2026-000077", Bill.Line("99285", 1_000m)), "/clinic/invoices");

        Assert.Equal("ORL-001", own.GetProperty("biller").GetProperty("code").GetString());
        Assert.Equal("returned", underOther.GetProperty("status").GetString());
        Assert.Contains("another clinic", underOther.GetProperty("returnReason").GetString());
        Assert.Equal(HttpStatusCode.OK, (await orlando.GetAsync($"/clinic/invoices/{own.GetProperty("id")}")).StatusCode);
        await ProblemAssert.IsProblemAsync(await miami.GetAsync($"/clinic/invoices/{own.GetProperty("id")}"), HttpStatusCode.NotFound,
            Microsoft.Extensions.Hosting.ProblemTypes.NotFound);
    }
}

public sealed class A_reimbursement_claim(BillingFactory billing) : IClassFixture<BillingFactory>
{
    private static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"u8.ToArray();

    private static MultipartFormDataContent Form(object claim, byte[] receipt, string type = "application/pdf")
    {
        var file = new ByteArrayContent(receipt);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
        return new MultipartFormDataContent { { new StringContent(JsonSerializer.Serialize(claim)), "claim" }, { file, "receipt", "receipt.pdf" } };
    }

    private static object Claim(string number) => new
    {
        caseNumber = "REI-1", receiptNumber = number, paidTo = "CVS Pharmacy Orlando", serviceFrom = Bill.Day, serviceTo = Bill.Day, currency = "USD",
        lines = new[] { new { serviceCode = "PHARM", codeSystem = "price-list", serviceDate = Bill.Day, quantity = 1, unitPrice = 180m, amount = 180m } },
        payee = new { holder = "IVANOVA ANNA", account = "DE89370400440532013000", bank = "COBADEFFXXX" },
    };

    [Fact]
    public async Task Is_adjudicated_with_its_receipt_kept_and_paid_back_to_the_account_given()
    {
        const string tenant = "billing-receipts";
        await Bill.CaseAsync(billing, tenant, "REI-1", Bill.Policy(deductible: 0));
        var client = billing.ClientFor(tenant);

        var response = await client.PostAsync("/reimbursements", Form(Claim("R-1"), Pdf));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var claim = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("reimbursement", "adjudicated", 180m), (claim.GetProperty("kind").GetString(), claim.GetProperty("status").GetString(),
            claim.GetProperty("decision").GetProperty("approved").GetDecimal()));
        Assert.Equal(Pdf, await client.GetByteArrayAsync($"/reimbursements/{claim.GetProperty("id")}/receipt"));
        var payment = (await client.GetFromJsonAsync<JsonElement>("/payments?caseNumber=REI-1"))[0];
        Assert.Equal(("insured", "IVANOVA ANNA", "DE89370400440532013000"), (payment.GetProperty("payeeKind").GetString(),
            payment.GetProperty("payeeName").GetString(), payment.GetProperty("payeeAccount").GetString()));
    }

    [Fact]
    public async Task Whose_receipt_is_not_a_document_is_refused_naming_the_receipt_and_nothing_is_kept()
    {
        const string tenant = "billing-receipts-bad";
        await Bill.CaseAsync(billing, tenant, "REI-1");

        var response = await billing.ClientFor(tenant).PostAsync("/reimbursements", Form(Claim("R-2"), "MZ\0\0not a receipt"u8.ToArray()));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, Microsoft.Extensions.Hosting.ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty("receipt", out _));
        Assert.Equal(0L, await billing.CountAsync("SELECT count(*) FROM invoices WHERE tenant_id = @t", ("t", tenant)));
    }
}

public sealed class A_payment_order(BillingFactory billing) : IClassFixture<BillingFactory>
{
    [Fact]
    public async Task Goes_pending_sent_paid_and_refuses_a_step_out_of_order_and_a_failure_without_reason()
    {
        const string tenant = "billing-payments";
        await Bill.CaseAsync(billing, tenant, "PAY-1", Bill.Policy(deductible: 0));
        var client = billing.ClientFor(tenant);
        await Bill.SubmitAsync(client, Bill.Invoice("INV-P", "ORL-001", "PAY-1", null, Bill.Line("99285", 1_000m)));
        var id = (await client.GetFromJsonAsync<JsonElement>("/payments?caseNumber=PAY-1"))[0].GetProperty("id").GetString();

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync($"/payments/{id}/status", new { status = "paid" }), HttpStatusCode.Conflict,
            Microsoft.Extensions.Hosting.ProblemTypes.Conflict);
        var noReason = await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync($"/payments/{id}/status", new { status = "failed" }),
            HttpStatusCode.BadRequest, Microsoft.Extensions.Hosting.ProblemTypes.Validation);
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));
        (await client.PostAsJsonAsync($"/payments/{id}/status", new { status = "sent" })).EnsureSuccessStatusCode();
        var paid = await (await client.PostAsJsonAsync($"/payments/{id}/status", new { status = "paid", paidOn = "2026-02-03" }))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(("paid", "2026-02-03"), (paid.GetProperty("status").GetString(), paid.GetProperty("paidOn").GetString()));
        var statement = await client.GetFromJsonAsync<JsonElement>("/cases/PAY-1/statement");
        Assert.Equal((1_000m, 0m), (statement.GetProperty("paid").GetDecimal(), statement.GetProperty("open").GetDecimal()));
    }
}
