using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Billing.Invoices;
using Platform.Billing.X12;
using Platform.Tests;
using UglyToad.PdfPig;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The case study's bills through the gateway: the Orlando hospital bills 38,000 USD as JSON with its own key, then
/// 9,000 USD as an X12 837P file sent by a coordinator (one line a duplicate of the first bill, one for rehabilitation,
/// which the policy excludes), against a 50,000 USD limit with a 100 USD deductible.
/// </summary>
public sealed class The_case_study_bills_through_the_gateway(PlatformFixture platform) : IClassFixture<PlatformFixture>, IDisposable
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private readonly WebhookReceiver _receiver = new();

    [Fact]
    public async Task Are_adjudicated_the_80_percent_warning_reaches_the_daughter_and_the_insurer_and_the_835_and_statement_are_produced()
    {
        var (tenant, insurer) = await platform.NewInsurerAsync("e2e-billing");
        var coordinator = platform.StaffClient("coordinator-anna", "coordinator", tenant);
        var policies = "policy_number,plan,start_date,end_date,territory,insured_full_name,insured_date_of_birth,limits,deductible,covered_risks,excluded_risks\n" +
                       $"TRV-2026-000117,Comfort,{Today.AddDays(-10):yyyy-MM-dd},{Today.AddDays(20):yyyy-MM-dd},WORLD,Pyotr Ivanov,1956-04-12," +
                       "medical-expenses:50000:USD;repatriation:20000:USD,100:USD,illness;accident,\n";
        (await insurer.PostAsync("/api/intake/policies/batch", new StringContent(policies, Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
        (await insurer.PostAsJsonAsync("/api/cases/webhooks", new { url = _receiver.Url, events = new[] { "*" } })).EnsureSuccessStatusCode();
        (await insurer.PostAsJsonAsync("/api/clinics/clinics/network/batch", new[]
        {
            new
            {
                code = "ORL-001", name = "Orlando Regional Hospital", country = "US", city = "Orlando", address = "52 W Underwood St",
                latitude = 28.5256, longitude = -81.3783, email = "billing@orlando-hospital.example", inpatient = true, directBilling = true, status = "active",
            },
        })).EnsureSuccessStatusCode();
        var daughter = $"maria.{tenant}@example.ru";
        var appeal = await insurer.PostAsJsonAsync("/api/intake/appeals", new
        {
            channel = "phone",
            caller = new { name = "Maria Ivanova", relation = "relative", phone = "+7 916 555-01-02", email = daughter, language = "ru",
                            preferredChannel = "email", consentsToMessages = true },
            insured = new { policyNumber = "TRV-2026-000117", fullName = "Pyotr Ivanov", dateOfBirth = "1956-04-12" },
            location = new { country = "US", city = "Orlando" },
            description = "Father admitted with chest pain; the clinic sends us the bills.",
            risk = "illness",
        });
        Assert.Equal(HttpStatusCode.Created, appeal.StatusCode);
        var appealId = (await appeal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        string? caseNumber = null;
        await Eventually.True(async () => (caseNumber = (await insurer.GetFromJsonAsync<JsonElement>($"/api/intake/appeals/{appealId}"))
            .GetProperty("caseNumber").GetString()) is not null, TimeSpan.FromSeconds(15), "the case is opened");

        // The hospital bills 38,000 USD with its own key (once billing has the case's cover from Cases).
        var key = await platform.Admin.PostAsJsonAsync($"/admin/tenants/{tenant}/api-keys", new { name = "Orlando Regional Hospital", role = "clinic", clinicCode = "ORL-001" });
        using var hospital = new HttpClient { BaseAddress = platform.GatewayUrl };
        hospital.DefaultRequestHeaders.Add("X-Api-Key", (await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("apiKey").GetString());
        var day = Today.AddDays(-2);
        JsonElement first = default;
        await Eventually.True(async () =>
        {
            var response = await hospital.PostAsJsonAsync("/api/billing/clinic/invoices?language=ru", new
            {
                caseNumber, invoiceNumber = "ORH-38000", serviceFrom = day, serviceTo = Today, currency = "USD", form = "professional",
                diagnoses = new[] { "I21.4" }, facilityCode = "21",
                lines = new object[]
                {
                    new { serviceCode = "99285", codeSystem = "CPT", description = "Emergency department visit", serviceDate = day, quantity = 1, unitPrice = 2_500m, diagnosisPointers = new[] { 1 } },
                    new { serviceCode = "92941", codeSystem = "CPT", description = "Percutaneous coronary intervention", serviceDate = day, quantity = 1, unitPrice = 28_000m, diagnosisPointers = new[] { 1 } },
                    new { serviceCode = "99233", codeSystem = "CPT", description = "Subsequent hospital care", serviceDate = Today, quantity = 4, unitPrice = 1_800m, diagnosisPointers = new[] { 1 } },
                    new { serviceCode = "71046", codeSystem = "CPT", description = "Chest X-ray", serviceDate = day, quantity = 1, unitPrice = 300m, diagnosisPointers = new[] { 1 } },
                },
            });
            if (response.StatusCode == HttpStatusCode.BadRequest && (await response.Content.ReadAsStringAsync()).Contains("caseNumber")) return false;
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            first = await response.Content.ReadFromJsonAsync<JsonElement>();
            return true;
        }, TimeSpan.FromSeconds(20), "billing knows the case's cover");
        Assert.Equal(37_900m, first.GetProperty("decision").GetProperty("approved").GetDecimal());
        Assert.Equal("PR-1", first.GetProperty("lines")[0].GetProperty("adjustments")[0].GetProperty("code").GetString());
        Assert.Contains("франшиз", first.GetProperty("lines")[0].GetProperty("explanation").GetString(), StringComparison.OrdinalIgnoreCase);

        // Then 9,000 USD as an 837P file, sent by the coordinator on the hospital's behalf.
        var invoice = new Invoice(Guid.Empty, tenant, InvoiceKinds.Clinic, ClaimForms.Professional, "x12-837p", "ORH-9000", caseNumber, null, null,
            new Party("ORLANDO REGIONAL HOSPITAL", "ORL-001", "1234567893", "591234567", "52 W UNDERWOOD ST", "ORLANDO", "FL", "328061234", "US"),
            new Patient("IVANOV", "PYOTR", new DateOnly(1956, 4, 12), "M", "TRV-2026-000117"), day, Today, "USD", ["I214"],
            [
                new InvoiceLine(1, "71046", CodeSystems.Cpt, null, null, day, 1, 300m, 300m, [1], "medical-expenses"),
                new InvoiceLine(2, "97110", CodeSystems.Cpt, null, null, Today, 4, 300m, 1_200m, [1], "rehabilitation"),
                new InvoiceLine(3, "93306", CodeSystems.Cpt, null, null, Today, 1, 2_500m, 2_500m, [1], "medical-expenses"),
                new InvoiceLine(4, "99239", CodeSystems.Cpt, null, null, Today, 1, 5_000m, 5_000m, [1], "medical-expenses"),
            ], "21", DateTimeOffset.UtcNow);
        var file = Claim837.Write(invoice, new X12Parties("ORLANDO REGIONAL HOSPITAL", "591234567", new X12Contact("Billing office", "4075551234", null),
            "MEDICAL ASSISTANCE", "1987654321", new Payer("MEDICAL ASSISTANCE", "1987654321", null, null, null, null, "CY")),
            new X12Control("591234567", "1987654321", 1001, 1001, DateTimeOffset.UtcNow));
        // An 837 names no benefit: 97110 (therapeutic exercises) is rehabilitation by its code, which this policy does not cover.
        var sent = await coordinator.PostAsync("/api/billing/invoices/x12?clinicCode=ORL-001", new StringContent(file, Encoding.ASCII, "application/edi-x12"));
        Assert.True(sent.StatusCode == HttpStatusCode.Created, await sent.Content.ReadAsStringAsync());
        var second = (await sent.Content.ReadFromJsonAsync<JsonElement>())[0];
        var outcomes = second.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("adjustments").EnumerateArray()
            .Select(a => a.GetProperty("code").GetString()).FirstOrDefault() ?? "paid").ToArray();
        Assert.Equal(["CO-18", "CO-96", "paid", "paid"], outcomes);
        Assert.Equal(7_500m, second.GetProperty("decision").GetProperty("approved").GetDecimal());

        // Cases counts what was spent: 45,400 of 50,000 is past 80 %. The daughter is told by e-mail, in Russian.
        await Eventually.True(async () => (await coordinator.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/coverage"))
            .GetProperty("benefits").EnumerateArray()
            .Any(b => b.GetProperty("benefit").GetString() == "medical-expenses" && b.GetProperty("spent").GetDecimal() == 45_400m),
            TimeSpan.FromSeconds(20), "the case's coverage counts both invoices");
        using var mail = new HttpClient { BaseAddress = platform.MailUrl };
        string? warning = null;
        await Eventually.True(async () =>
        {
            var received = (await mail.GetFromJsonAsync<JsonElement>("/api/messages?pageSize=500")).GetProperty("results").EnumerateArray()
                .Where(m => m.GetProperty("to").EnumerateArray().Any(t => t.GetString() == daughter)).ToList();
            foreach (var m in received)
            {
                var body = await mail.GetStringAsync($"/api/messages/{m.GetProperty("id").GetString()}/plaintext");
                if (body.Contains("80% лимита")) warning = body;
            }
            return warning is not null;
        }, TimeSpan.FromSeconds(30), "the 80 % warning is e-mailed to the daughter");
        Assert.Contains("45 400,00 из 50 000,00 USD", warning!.Replace('\u00a0', ' '));
        // ... and the insurer hears of it through its webhook.
        await Eventually.True(() => Task.FromResult(_receiver.Received.Any(r => r.Body.Contains("coverage-threshold-reached") && r.Body.Contains(caseNumber!))),
            TimeSpan.FromSeconds(30), "the threshold reaches the insurer's webhook");

        // The case's statement: billed, approved, rejected, the patient's share.
        var statement = await insurer.GetFromJsonAsync<JsonElement>($"/api/billing/cases/{caseNumber}/statement");
        Assert.Equal((47_000m, 45_400m, 1_500m, 100m, 45_400m), (statement.GetProperty("billed").GetDecimal(), statement.GetProperty("approved").GetDecimal(),
            statement.GetProperty("rejected").GetDecimal(), statement.GetProperty("patientResponsibility").GetDecimal(), statement.GetProperty("open").GetDecimal()));

        // The hospital's remittance for the 837 claim, as an 835 it can load (it has an NPI), and a statement in Russian.
        var payments = (await coordinator.GetFromJsonAsync<JsonElement>($"/api/billing/payments?caseNumber={caseNumber}")).EnumerateArray().ToList();
        var x12Payment = payments.Single(p => p.GetProperty("invoiceNumber").GetString() == "ORH-9000").GetProperty("id").GetString();
        var answer = await hospital.GetAsync($"/api/billing/clinic/payments/{x12Payment}/835");
        var remittance = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.OK, remittance);
        Assert.Empty(X12Reader.Read(remittance).Errors);
        Assert.Contains("CLP*ORH-9000*1*9000*7500*", remittance);
        Assert.Contains("CAS*CO*18*300", remittance);
        Assert.Contains("CAS*CO*96*1200", remittance);
        var jsonPayment = payments.Single(p => p.GetProperty("invoiceNumber").GetString() == "ORH-38000").GetProperty("id").GetString();
        using var pdf = PdfDocument.Open(await coordinator.GetByteArrayAsync($"/api/billing/payments/{jsonPayment}/statement.pdf?language=ru"));
        var text = string.Join(" ", pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
        Assert.Contains("ORH-38000", text);
        Assert.Contains("PR-1", text);
    }

    public void Dispose() => _receiver.Dispose();
}
