using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MimeKit;
using Platform.Tests;

namespace Platform.EndToEnd.Tests;

public sealed class A_guarantee_of_payment_through_the_gateway(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task Finds_the_Orlando_hospital_guarantees_10000_USD_mails_it_is_acknowledged_and_refuses_an_amendment_beyond_the_cover()
    {
        var (tenant, insurer) = await platform.NewInsurerAsync("e2e-gop");
        var coordinator = platform.StaffClient("coordinator-anna", "coordinator", tenant);

        // The insurer's policy (12,000 USD of medical expenses) and its network: an in-network Orlando hospital that
        // bills the insurer directly, one that does not, and one in Miami.
        var policies = "policy_number,plan,start_date,end_date,territory,insured_full_name,insured_date_of_birth,limits,deductible,covered_risks,excluded_risks\n" +
                       $"TRV-2026-000117,Comfort,{Today.AddDays(-10):yyyy-MM-dd},{Today.AddDays(20):yyyy-MM-dd},WORLD,Pyotr Ivanov,1956-04-12," +
                       "medical-expenses:12000:USD,,illness;accident,\n";
        (await insurer.PostAsync("/api/intake/policies/batch", new StringContent(policies, Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
        var hospital = $"gop@orlando-hospital.{tenant}.example";
        var network = await insurer.PostAsJsonAsync("/api/clinics/clinics/network/batch", new[]
        {
            Clinic("ORL-001", "Orlando Regional Hospital", "Orlando", 28.5256, -81.3783, hospital, directBilling: true),
            Clinic("ORL-002", "Downtown Orlando Clinic", "Orlando", 28.5421, -81.3790, "desk@downtown.example", directBilling: false),
            Clinic("MIA-001", "Miami General", "Miami", 25.7617, -80.1918, "gop@miami.example", directBilling: true),
        });
        Assert.True(network.IsSuccessStatusCode, await network.Content.ReadAsStringAsync());
        var (_, caseNumber, _) = await PlatformFixture.RegisterAndAwaitCaseAsync(insurer);

        // The coordinator looks for an in-patient hospital near the case (by its number: the clinic network knows the
        // case's city from Cases' events) that bills the insurer directly.
        JsonElement found = default;
        await Eventually.True(async () =>
        {
            var response = await coordinator.GetAsync($"/api/clinics/clinics/search?caseNumber={caseNumber}&care=inpatient&directBilling=true&radiusKm=50");
            if (response.StatusCode == HttpStatusCode.BadRequest) return false; // the case's city is on its way
            found = await response.Content.ReadFromJsonAsync<JsonElement>();
            return true;
        }, TimeSpan.FromSeconds(20), "the clinic network knows where the case is");
        var results = found.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal("ORL-001", results[0].GetProperty("clinic").GetProperty("code").GetString());
        Assert.Contains("direct billing with " + tenant, results[0].GetProperty("matches").EnumerateArray().Select(m => m.GetString()));
        Assert.DoesNotContain(results, c => c.GetProperty("clinic").GetProperty("code").GetString() is "ORL-002" or "MIA-001");

        // A guarantee of payment for 10,000 USD (once Cases has published the case's cover to the clinic network).
        JsonElement letter = default;
        await Eventually.True(async () =>
        {
            var issued = await coordinator.PostAsJsonAsync("/api/clinics/guarantees", new
            {
                caseNumber, clinicCode = "ORL-001", benefit = "medical-expenses", amount = 10_000m, currency = "USD",
                periodFrom = Today, periodTo = Today.AddDays(10), roomType = "semi-private", coPayment = 0m, deductible = 0m,
            });
            if (issued.StatusCode == HttpStatusCode.NotFound) return false; // the cover is on its way
            Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
            letter = await issued.Content.ReadFromJsonAsync<JsonElement>();
            return true;
        }, TimeSpan.FromSeconds(20), "the case's cover reaches the clinic network and the letter is issued");
        var gop = letter.GetProperty("number").GetString()!;

        // It is e-mailed to the hospital with the letter attached.
        using var mailApi = new HttpClient { BaseAddress = platform.MailUrl };
        MimeMessage? mail = null;
        await Eventually.True(async () =>
        {
            var received = (await mailApi.GetFromJsonAsync<JsonElement>("/api/messages?pageSize=500")).GetProperty("results").EnumerateArray()
                .FirstOrDefault(m => m.GetProperty("to").EnumerateArray().Any(t => t.GetString() == hospital));
            if (received.ValueKind == JsonValueKind.Undefined) return false;
            await using var raw = await mailApi.GetStreamAsync($"/api/messages/{received.GetProperty("id").GetString()}/raw");
            mail = await MimeMessage.LoadAsync(raw);
            return true;
        }, TimeSpan.FromSeconds(30), $"the letter {gop} is e-mailed to {hospital}");
        Assert.Contains(gop, mail!.Subject);
        Assert.Equal($"{gop}.pdf", Assert.Single(mail.Attachments).ContentDisposition?.FileName);

        // The hospital answers with its own key.
        var key = await platform.Admin.PostAsJsonAsync($"/admin/tenants/{tenant}/api-keys", new { name = "Orlando Regional Hospital", role = "clinic", clinicCode = "ORL-001" });
        Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        using var clinic = new HttpClient { BaseAddress = platform.GatewayUrl };
        clinic.DefaultRequestHeaders.Add("X-Api-Key", (await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("apiKey").GetString());
        var accepted = await clinic.PostAsJsonAsync($"/api/clinics/clinic/guarantees/{gop}/acknowledge", new { decision = "accepted" });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("accepted", (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("acknowledgement").GetProperty("decision").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await clinic.GetAsync($"/api/cases/cases/{caseNumber}")).StatusCode);

        // The case's coverage shows the 10,000 reserved.
        await Eventually.True(async () => (await coordinator.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/coverage"))
            .GetProperty("benefits").EnumerateArray()
            .Any(b => b.GetProperty("benefit").GetString() == "medical-expenses" && b.GetProperty("reserved").GetDecimal() == 10_000m),
            TimeSpan.FromSeconds(20), "the case's coverage shows the letter reserved");

        // The daughter is told, in Russian, that the hospital has the guarantee and she pays nothing.
        var steps = (await coordinator.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/briefing")).GetProperty("nextStepsForCaller")
            .EnumerateArray().ToDictionary(s => s.GetProperty("code").GetString()!, s => s.GetProperty("text").GetString()!);
        Assert.Equal($"Клиника «Orlando Regional Hospital» получила наше гарантийное письмо {gop}: за лечение по полису вы ничего не платите.",
            steps["guarantee"]);

        // Raising it to 15,000 would pass the 12,000 limit: refused, naming what was asked and what remains.
        var amended = await coordinator.PostAsJsonAsync($"/api/clinics/guarantees/{gop}/amend", new { amount = 15_000m });
        Assert.Equal((HttpStatusCode)422, amended.StatusCode);
        Assert.Equal("application/problem+json", amended.Content.Headers.ContentType?.MediaType);
        var problem = await amended.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(15_000m, problem.GetProperty("requested").GetDecimal());
        Assert.Equal(12_000m, problem.GetProperty("remaining").GetDecimal());
        Assert.Contains("15,000", problem.GetProperty("detail").GetString());
    }

    private static object Clinic(string code, string name, string city, double latitude, double longitude, string email, bool directBilling) => new
    {
        code, name, country = "US", city, address = $"{name}, {city}", latitude, longitude, email,
        specialties = new[] { "emergency", "cardiology" }, languages = new[] { "en", "es" }, inpatient = true, outpatient = true,
        admits247 = true, directBilling, status = "active",
    };
}
