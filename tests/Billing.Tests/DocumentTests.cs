using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Billing.Tests.X12;
using Platform.Billing.X12;
using Platform.Tests;
using UglyToad.PdfPig;

namespace Platform.Billing.Tests;

public sealed class An_x12_837_file(BillingFactory billing) : IClassFixture<BillingFactory>
{
    private static readonly Contracts.PolicyTerms Spring = Bill.Policy(deductible: 0, start: new DateOnly(2026, 2, 1), end: new DateOnly(2026, 3, 31));

    private static StringContent File(string text) => new(text, Encoding.ASCII, "application/edi-x12");

    [Fact]
    public async Task Becomes_one_adjudicated_invoice_per_claim_named_by_its_case_or_guarantee_letter()
    {
        const string tenant = "billing-837";
        await Bill.CaseAsync(billing, tenant, "ACME-2026-000042", Spring);
        await Bill.CaseAsync(billing, tenant, "ACME-2026-000043", Spring);
        var third = await Bill.CaseAsync(billing, tenant, "ACME-2026-000044", Spring);
        await Bill.LetterAsync(billing, tenant, third, "GOP-2026-000007", "MBU-01", 1_000m);
        // Claim 1 names its case (REF*9F), claim 2 too, claim 3 only its guarantee letter (REF*G1).
        var file = X12Samples.Professional.Edit("REF*G1*GOP-2026-000001~\n", "").Recount();

        var response = await billing.ClientFor(tenant).PostAsync("/invoices/x12?clinicCode=MBU-01", File(file));

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var invoices = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["INV-1001", "INV-1002", "INV-1003"], invoices.EnumerateArray().Select(i => i.GetProperty("number").GetString()));
        Assert.All(invoices.EnumerateArray(), i => Assert.Equal(("adjudicated", "x12-837p", "MBU-01"),
            (i.GetProperty("status").GetString(), i.GetProperty("source").GetString(), i.GetProperty("biller").GetProperty("code").GetString())));
        Assert.Equal("GOP-2026-000007", invoices[2].GetProperty("guaranteeNumber").GetString());
        Assert.Equal("ACME-2026-000044", invoices[2].GetProperty("caseNumber").GetString());
    }

    [Fact]
    public async Task With_an_error_is_refused_whole_naming_the_segment_and_element()
    {
        const string tenant = "billing-837-bad";
        await Bill.CaseAsync(billing, tenant, "ACME-2026-000042", Spring);

        var response = await billing.ClientFor(tenant).PostAsync("/invoices/x12?clinicCode=MBU-01",
            File(X12Samples.Professional.Edit("CLM*INV-1001*265.5*", "CLM*INV-1001*26x.5*")));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, Microsoft.Extensions.Hosting.ProblemTypes.Validation);
        Assert.Contains("26x.5", problem.GetProperty("errors").GetProperty("CLM02")[0].GetString());
        Assert.Equal(0L, await billing.CountAsync("SELECT count(*) FROM invoices WHERE tenant_id = @t", ("t", tenant)));
    }

    [Fact]
    public async Task Naming_a_case_billing_does_not_know_is_refused_naming_REF_9F()
    {
        var response = await billing.ClientFor("billing-837-none").PostAsync("/invoices/x12?clinicCode=MBU-01", File(X12Samples.Professional));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, Microsoft.Extensions.Hosting.ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty("REF*9F", out _) || problem.GetProperty("errors").TryGetProperty("REF*G1", out _));
    }
}

public sealed class The_documents_of_a_paid_invoice(BillingFactory billing) : IClassFixture<BillingFactory>
{
    private async Task<(HttpClient Client, JsonElement Invoice, string PaymentId)> PaidAsync(string tenant)
    {
        var caseId = await Bill.CaseAsync(billing, tenant, "DOC-1");
        await Bill.LetterAsync(billing, tenant, caseId, "GOP-2026-000100", "ORL-001", 10_000m);
        var client = billing.ClientFor(tenant);
        var invoice = await Bill.SubmitAsync(client, Bill.Invoice("INV-D", "ORL-001", "DOC-1", "GOP-2026-000100", Bill.Line("99285", 2_500m),
            Bill.Line("99285", 2_500m), Bill.Line("97110", 800m, benefit: "rehabilitation")));
        var payment = (await client.GetFromJsonAsync<JsonElement>("/payments?caseNumber=DOC-1"))[0].GetProperty("id").GetString()!;
        return (client, invoice, payment);
    }

    [Fact]
    public async Task Are_an_835_that_balances_and_reads_back_and_a_statement_in_Russian()
    {
        var (client, _, payment) = await PaidAsync("billing-docs-835");
        // An 835 needs the clinic's NPI or tax id: a JSON invoice names neither, so the 835 is refused, saying why.
        var refused = await client.GetAsync($"/payments/{payment}/835");
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Conflict, Microsoft.Extensions.Hosting.ProblemTypes.Conflict);
        Assert.Contains("1000B", problem.GetProperty("detail").GetString());

        var pdf = await client.GetByteArrayAsync($"/payments/{payment}/statement.pdf?language=ru");
        using var document = PdfDocument.Open(pdf);
        var text = string.Join(" ", document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
        Assert.Contains("INV-D", text);
        Assert.Contains("CO-18", text);
        Assert.Contains("CO-96", text);
        Assert.Contains("ещё не оплачено", text); // the payment is pending: no payment date is invented
    }

    [Fact]
    public async Task Of_a_us_clinic_include_an_835_that_an_x12_reader_accepts()
    {
        const string tenant = "billing-docs-us";
        var spring = Bill.Policy(deductible: 100, start: new DateOnly(2026, 2, 1), end: new DateOnly(2026, 3, 31));
        await Bill.CaseAsync(billing, tenant, "ACME-2026-000042", spring);
        // The second case's policy ended before its claim's dates: nothing of that claim is paid.
        await Bill.CaseAsync(billing, tenant, "ACME-2026-000043", Bill.Policy(start: new DateOnly(2026, 1, 1), end: new DateOnly(2026, 1, 31)));
        var client = billing.ClientFor(tenant);
        (await client.PostAsync("/invoices/x12?clinicCode=MBU-01", new StringContent(X12Samples.Professional.Edit("REF*G1*GOP-2026-000001~\n", "")
            .Edit("REF*G1*GOP-2026-000007", "REF*9F*ACME-2026-000043").Recount(), Encoding.ASCII, "application/edi-x12"))).EnsureSuccessStatusCode();
        var payment = (await client.GetFromJsonAsync<JsonElement>("/payments?caseNumber=ACME-2026-000042"))[0].GetProperty("id").GetString();

        var response = await client.GetAsync($"/payments/{payment}/835");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var x12 = await response.Content.ReadAsStringAsync();
        var read = X12Reader.Read(x12);
        Assert.Empty(read.Errors);
        Assert.Contains("CLP*INV-1001*1*", x12);
        Assert.Contains("CAS*PR*1*100", x12);
        Assert.Equal(x12, await client.GetStringAsync($"/payments/{payment}/835")); // the same file every time it is read

        var denied = (await client.GetFromJsonAsync<JsonElement>("/invoices?caseNumber=ACME-2026-000043")).EnumerateArray()
            .Single(i => i.GetProperty("number").GetString() == "INV-1002");
        Assert.Equal(0m, denied.GetProperty("decision").GetProperty("approved").GetDecimal());
        var none = await client.GetStringAsync($"/invoices/{denied.GetProperty("id")}/835");
        Assert.Empty(X12Reader.Read(none).Errors);
        Assert.Contains("BPR*H*0*C*NON", none);
        Assert.Contains("CLP*INV-1002*4*", none);
        Assert.Contains("CAS*CO*27*", none);
    }

    [Fact]
    public async Task Are_the_claim_form_and_fhir_resources_of_the_invoice()
    {
        var (client, invoice, _) = await PaidAsync("billing-docs-forms");
        var id = invoice.GetProperty("id").GetString();

        var pdf = await client.GetByteArrayAsync($"/invoices/{id}/claim-form.pdf");
        using (var document = PdfDocument.Open(pdf))
        {
            var text = string.Join(" ", document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
            Assert.Contains("GOP-2026-000100", text);
            Assert.Contains("99285", text);
        }
        var claim = await client.GetFromJsonAsync<JsonElement>($"/invoices/{id}/fhir/claim");
        Assert.Equal(("Claim", "GOP-2026-000100"), (claim.GetProperty("resourceType").GetString(), claim.GetProperty("insurance")[0].GetProperty("preAuthRef")[0].GetString()));
        var answer = await client.GetFromJsonAsync<JsonElement>($"/invoices/{id}/fhir/claim-response");
        Assert.Equal(("ClaimResponse", "complete"), (answer.GetProperty("resourceType").GetString(), answer.GetProperty("outcome").GetString()));
    }
}

public sealed class A_romif(BillingFactory billing) : IClassFixture<BillingFactory>
{
    [Fact]
    public async Task Is_made_for_a_us_case_with_the_hipaa_statements_and_a_russian_explanation_and_refused_elsewhere()
    {
        const string tenant = "billing-romif";
        await Bill.CaseAsync(billing, tenant, "ROM-US");
        await Bill.CaseAsync(billing, tenant, "ROM-TR", country: "TR");
        var client = billing.ClientFor(tenant);
        var request = new { providerName = "Orlando Health Medical Center", providerAddress = "52 W Underwood St, Orlando, FL 32806", language = "ru" };

        var response = await client.PostAsJsonAsync("/cases/ROM-US/romif", request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
        var text = string.Join(" ", document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
        Assert.Contains("Orlando Health Medical Center", text);
        Assert.Contains("revoke", text);
        Assert.Contains("IVANOVA MARIA", text);
        Assert.Matches("[а-яА-Я]{5,}", text);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/cases/ROM-TR/romif", request), HttpStatusCode.Conflict,
            Microsoft.Extensions.Hosting.ProblemTypes.Conflict);
        var missing = await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/cases/ROM-US/romif", new { language = "ru" }),
            HttpStatusCode.BadRequest, Microsoft.Extensions.Hosting.ProblemTypes.Validation);
        Assert.True(missing.GetProperty("errors").TryGetProperty("providerName", out _));
    }
}
