using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Tests;
using UglyToad.PdfPig;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The case study's way home through the gateway: a stent placed on day 1 (yesterday) after a heart attack in Antalya,
/// discharge expected on day 4, the family's return ticket on day 3, a 20,000 USD repatriation cover. The return flight
/// is flagged; a stretcher on a scheduled flight with a nurse from day 5 fits the cover (an air ambulance does not); the
/// plan is agreed, the MEDIF produced and its deadline becomes a task in Cases; the daughter's next steps explain it in Russian.
/// </summary>
public sealed class The_case_study_way_home_through_the_gateway(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private static DateOnly Day(int n) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(n - 2);

    private static DateTimeOffset At(int day, int hour) => new(Day(day).ToDateTime(new TimeOnly(hour, 0)), TimeSpan.FromHours(3));

    [Fact]
    public async Task Flags_the_early_flight_plans_a_stretcher_within_the_cover_and_tells_the_daughter_about_the_MEDIF_in_Russian()
    {
        var (tenant, insurer) = await platform.NewInsurerAsync("e2e-repat");
        var coordinator = platform.StaffClient("coordinator-anna", "coordinator", tenant);
        var doctor = platform.StaffClient("doctor-ivanov", "doctor", tenant);
        var policies = "policy_number,plan,start_date,end_date,territory,insured_full_name,insured_date_of_birth,limits,deductible,covered_risks,excluded_risks\n" +
                       $"TRV-2026-000901,Comfort,{Day(-5):yyyy-MM-dd},{Day(30):yyyy-MM-dd},WORLD,Pyotr Ivanov,1956-04-12," +
                       "medical-expenses:50000:USD;repatriation:20000:USD,100:USD,illness;accident,\n";
        (await insurer.PostAsync("/api/intake/policies/batch", new StringContent(policies, Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
        var appeal = await insurer.PostAsJsonAsync("/api/intake/appeals", new
        {
            channel = "phone",
            caller = new { name = "Maria Ivanova", relation = "relative", phone = "+7 916 555-01-02", language = "ru" },
            insured = new { policyNumber = "TRV-2026-000901", fullName = "Pyotr Ivanov", dateOfBirth = "1956-04-12" },
            location = new { country = "TR", city = "Antalya" },
            description = "Папу прооперировали, поставили стент. Когда и как он полетит домой?",
            risk = "illness",
        });
        Assert.Equal(HttpStatusCode.Created, appeal.StatusCode);
        var appealId = (await appeal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        string? caseNumber = null;
        await Eventually.True(async () => (caseNumber = (await insurer.GetFromJsonAsync<JsonElement>($"/api/intake/appeals/{appealId}"))
            .GetProperty("caseNumber").GetString()) is not null, TimeSpan.FromSeconds(15), "the case is opened");

        // What the clinic's doctor said, in Cases: infarction on day 1, discharge day 4, the family's ticket for day 3.
        (await doctor.PostAsJsonAsync($"/api/cases/cases/{caseNumber}/medical-details", new
        {
            diagnosis = new { code = "I21.4", text = "Non-ST elevation myocardial infarction" },
            procedures = new[] { "Stent placement" }, admissionOn = Day(1), expectedDischargeOn = Day(4), returnFlightOn = Day(3),
            fitToFly = "stretcher",
        })).EnsureSuccessStatusCode();
        // The stent with its date, as the assistance company's doctor records it for the rules (once repatriation knows the case).
        await Eventually.True(async () => (await doctor.PutAsJsonAsync($"/api/repatriation/cases/{caseNumber}/medical-facts",
                new { procedures = new[] { new { code = "pci", text = "Stent, LAD", on = Day(1) } }, risk = "low" })).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(15), "the repatriation service knows the case");

        // The family's ticket for day 3 is too early after the infarction and before the discharge.
        JsonElement fitness = default;
        await Eventually.True(async () => (fitness = await coordinator.GetFromJsonAsync<JsonElement>($"/api/repatriation/cases/{caseNumber}/fitness"))
            .GetProperty("returnFlight").ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(15), "the medical details reached repatriation");
        var ticket = fitness.GetProperty("returnFlight");
        Assert.False(ticket.GetProperty("fit").GetBoolean());
        Assert.Equal(["flight-too-early", "flight-before-discharge"], ticket.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()));

        // The providers and their prices; the estimates against the cover.
        (await insurer.PutAsJsonAsync("/api/repatriation/providers/MEDESCORT", new
        {
            name = "MedEscort International", kind = "escort-agency", email = $"ops.{tenant}@medescort.example", language = "en",
            rates = new object[]
            {
                new { mode = "commercial-stretcher", routeClass = "medium-haul", amount = 9_500m, currency = "USD" },
                new { mode = "escort:nurse", routeClass = "medium-haul", amount = 2_500m, currency = "USD" },
            },
        })).EnsureSuccessStatusCode();
        (await insurer.PutAsJsonAsync("/api/repatriation/providers/SKYCARE", new
        {
            name = "SkyCare Air Ambulance", kind = "air-ambulance", email = $"booking.{tenant}@skycare.example",
            rates = new object[] { new { mode = "air-ambulance", routeClass = "medium-haul", amount = 38_000m, currency = "USD" } },
        })).EnsureSuccessStatusCode();
        var estimates = (await coordinator.GetFromJsonAsync<JsonElement>($"/api/repatriation/cases/{caseNumber}/estimates?routeClass=medium-haul&escort=nurse"))
            .GetProperty("modes").EnumerateArray().ToDictionary(m => m.GetProperty("mode").GetString()!);
        Assert.True(estimates["commercial-stretcher"].GetProperty("fits").GetBoolean());
        Assert.Equal(12_000m, estimates["commercial-stretcher"].GetProperty("estimate").GetProperty("amount").GetDecimal());
        Assert.False(estimates["air-ambulance"].GetProperty("fits").GetBoolean());

        // A stretcher on S7's flight with a nurse on day 5: no warning, within the cover; agreed.
        var created = await coordinator.PostAsJsonAsync("/api/repatriation/plans", new
        {
            caseNumber, mode = "commercial-stretcher", escort = "nurse", routeClass = "medium-haul",
            receivingName = "City Clinical Hospital No. 15, Moscow",
            legs = new object[]
            {
                new { kind = "ground", from = "Akdeniz Hospital", to = "Antalya Airport (AYT)", departsAt = At(5, 10), arrangedBy = "provider" },
                new { kind = "flight", from = "Antalya", to = "Moscow", departsAt = At(5, 14), carrier = "S7", flightNumber = "796", seats = 6 },
                new { kind = "ground", from = "Domodedovo", to = "City Clinical Hospital No. 15", departsAt = At(5, 19), arrangedBy = "provider" },
            },
            medif = new { incapacity = "Myocardial infarction with a coronary stent; lies flat", physicianName = "Dr. Mehmet Yilmaz", carrierName = "S7 Airlines" },
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var plan = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, plan.GetProperty("warnings").GetArrayLength());
        Assert.True(plan.GetProperty("cover").GetProperty("fits").GetBoolean());
        var id = plan.GetProperty("id").GetString();
        var dueAt = plan.GetProperty("medifDue").GetProperty("dueAt").GetDateTimeOffset();
        Assert.Equal(At(5, 14).AddHours(-48), dueAt);
        (await coordinator.PostAsJsonAsync($"/api/repatriation/plans/{id}/agree", new { })).EnsureSuccessStatusCode();

        // The MEDIF, read back.
        var pdf = await coordinator.GetByteArrayAsync($"/api/repatriation/plans/{id}/medif.pdf");
        using (var document = PdfDocument.Open(pdf))
        {
            var text = string.Join(" ", document.GetPages().Select(p => p.Text));
            Assert.Contains("IVANOV", text.ToUpperInvariant());
            Assert.Contains("796", text);
            Assert.Contains("WCHC", text);
        }

        // In Cases: the settlement plan is the repatriation's, the MEDIF's deadline is a task, the daughter is told in Russian.
        JsonElement medifTask = default;
        await Eventually.True(async () => (await coordinator.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/tasks"))
                .EnumerateArray().Any(t => (medifTask = t).GetProperty("kind").GetString() == "medif"),
            TimeSpan.FromSeconds(20), "the MEDIF task is created");
        Assert.Equal(dueAt, medifTask.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal("repatriation", (await coordinator.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/settlement-plan")).GetProperty("kind").GetString());
        var steps = (await coordinator.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/briefing")).GetProperty("nextStepsForCaller")
            .EnumerateArray().ToDictionary(s => s.GetProperty("code").GetString()!, s => s.GetProperty("text").GetString()!);
        Assert.StartsWith("MEDIF (Medical Information Form) — медицинская анкета пассажира", steps["medif"]);
        Assert.Contains("S7 Airlines", steps["medif"]);
        Assert.Contains("перелёт S7 796", steps["repatriation-leg-2"]);
        Assert.Contains("на носилках, с медсестрой", steps["repatriation-leg-2"]);

        // The commitment reserves 12,000 USD of the repatriation cover in Cases' ledger.
        (await coordinator.PostAsJsonAsync($"/api/repatriation/plans/{id}/commitment", new { })).EnsureSuccessStatusCode();
        await Eventually.True(async () => (await coordinator.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/coverage"))
                .GetProperty("benefits").EnumerateArray().Any(b => b.GetProperty("benefit").GetString() == "repatriation" && b.GetProperty("reserved").GetDecimal() == 12_000m),
            TimeSpan.FromSeconds(20), "Cases reserves the commitment");

        // An air ambulance for the same case is above what remains.
        var air = await coordinator.PostAsJsonAsync("/api/repatriation/plans", new
        {
            caseNumber, mode = "air-ambulance", escort = "doctor", routeClass = "medium-haul", receivingName = "City Clinical Hospital No. 15, Moscow",
            legs = new object[] { new { kind = "flight", from = "AYT", to = "VKO", departsAt = At(3, 9) } },
        });
        var airPlan = await air.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(airPlan.GetProperty("cover").GetProperty("fits").GetBoolean());

        // A nurse's role cannot change the register; another insurer cannot see the plan.
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.PutAsJsonAsync("/api/repatriation/providers/OTHER", new { name = "x" })).StatusCode);
        var (_, stranger) = await platform.NewInsurerAsync("e2e-repat-other");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/repatriation/plans/{id}")).StatusCode);
    }
}
