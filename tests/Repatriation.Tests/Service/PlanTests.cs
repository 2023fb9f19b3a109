using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Tests;
using UglyToad.PdfPig;

namespace Platform.Repatriation.Tests.Service;

[Collection(RepatriationService.Name)]
public sealed class Planning_the_way_home(RepatriationFactory service)
{
    private static string[] Codes(JsonElement warnings) => [.. warnings.EnumerateArray().Select(w => w.GetProperty("code").GetString()!)];

    [Fact]
    public async Task Flags_the_return_flight_before_discharge_and_too_early_after_the_infarction_and_dates_each_mode()
    {
        const string tenant = "rp-fitness";
        var client = service.ClientFor(tenant);
        var caseId = await Trip.CaseAsync(service, tenant, "2026-000701");
        await Trip.MedicalAsync(service, tenant, caseId, "2026-000701");
        await Trip.FactsAsync(client, "2026-000701");

        var fitness = await client.GetFromJsonAsync<JsonElement>("/cases/2026-000701/fitness?language=ru");

        var flight = fitness.GetProperty("returnFlight");
        Assert.Equal(Trip.Day(3).ToString("yyyy-MM-dd"), flight.GetProperty("on").GetString());
        Assert.False(flight.GetProperty("fit").GetBoolean());
        Assert.Equal(["flight-too-early", "flight-before-discharge"], Codes(flight.GetProperty("warnings")));
        Assert.Contains("слишком рано", flight.GetProperty("warnings")[0].GetProperty("message").GetString());
        var modes = fitness.GetProperty("modes").EnumerateArray().ToDictionary(m => m.GetProperty("mode").GetString()!);
        // The discharge (day 4) is later than the infarction's 3 days (day 4) and the stent's 2 (day 3).
        Assert.Equal(Trip.Day(4).ToString("yyyy-MM-dd"), modes["commercial-stretcher"].GetProperty("earliest").GetString());
        // An air ambulance moves a patient from hospital to hospital: the discharge does not hold it; the airline rules do not apply.
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd"), modes["air-ambulance"].GetProperty("earliest").GetString());
        Assert.Equal(1, fitness.GetProperty("factsVersion").GetInt32());
    }

    [Fact]
    public async Task A_stretcher_with_a_nurse_from_day_5_fits_the_cover_is_agreed_committed_booked_and_completed()
    {
        const string tenant = "rp-story";
        var client = service.ClientFor(tenant);
        var caseId = await Trip.CaseAsync(service, tenant, "2026-000702");
        await Trip.MedicalAsync(service, tenant, caseId, "2026-000702");
        await Trip.FactsAsync(client, "2026-000702");
        await Trip.ProvidersAsync(client, "ops@story-escort.example");

        // The estimates: a stretcher with a nurse fits 20,000 USD, an air ambulance does not.
        var estimates = await client.GetFromJsonAsync<JsonElement>("/cases/2026-000702/estimates?routeClass=medium-haul&escort=nurse");
        var byMode = estimates.GetProperty("modes").EnumerateArray().ToDictionary(m => m.GetProperty("mode").GetString()!);
        Assert.Equal(12_000m, byMode["commercial-stretcher"].GetProperty("estimate").GetProperty("amount").GetDecimal());
        Assert.True(byMode["commercial-stretcher"].GetProperty("fits").GetBoolean());
        Assert.False(byMode["air-ambulance"].GetProperty("fits").GetBoolean());
        Assert.Contains("exceeds the remaining cover of 20,000.00 USD by 18,000.00 USD", byMode["air-ambulance"].GetProperty("message").GetString());

        // Day 3, the family's ticket, is refused; day 5 is fine.
        var early = await Trip.CreateAsync(client, Trip.Stretcher("2026-000702", day: 3));
        Assert.Contains("flight-too-early", Codes(early.GetProperty("warnings")));
        Assert.Contains("flight-before-discharge", Codes(early.GetProperty("warnings")));
        var refused = await Trip.PostAsync(client, $"/plans/{early.GetProperty("id")}/agree", expected: HttpStatusCode.Conflict);
        Assert.Contains("The plan is not agreed", refused.GetProperty("detail").GetString());

        var plan = await Trip.CreateAsync(client, Trip.Stretcher("2026-000702"));
        var id = plan.GetProperty("id").GetString();
        Assert.Empty(Codes(plan.GetProperty("warnings")));
        Assert.Equal("MEDESCORT", plan.GetProperty("providerCode").GetString());
        Assert.True(plan.GetProperty("cover").GetProperty("fits").GetBoolean());
        Assert.Equal("WCHC", plan.GetProperty("wheelchair").GetString());
        var medifDue = plan.GetProperty("medifDue");
        Assert.Equal("S7", medifDue.GetProperty("carrier").GetString());
        Assert.Equal(Trip.At(5, 14).AddHours(-48), medifDue.GetProperty("dueAt").GetDateTimeOffset());

        var agreed = await Trip.PostAsync(client, $"/plans/{id}/agree");
        Assert.Equal("agreed", agreed.GetProperty("status").GetString());
        var planned = (await Trip.OutboxAsync(service, "RepatriationPlanned", caseId)).Single();
        Assert.Equal("commercial-stretcher", planned.GetProperty("mode").GetString());
        Assert.Equal("nurse", planned.GetProperty("escort").GetString());
        Assert.Equal("S7 Airlines", planned.GetProperty("medif").GetProperty("carrierName").GetString());
        Assert.True(planned.GetProperty("medif").GetProperty("stretcher").GetBoolean());
        Assert.Equal(3, planned.GetProperty("legs").GetArrayLength());

        // The MEDIF: part 1 filled from the plan, part 2 left to the doctor.
        var pdf = await client.GetByteArrayAsync($"/plans/{id}/medif.pdf");
        using (var document = PdfDocument.Open(pdf))
        {
            var text = string.Join(" ", document.GetPages().Select(p => p.Text));
            Assert.Contains("IVANOVA", text.ToUpperInvariant());
            Assert.Contains("S7", text);
            Assert.Contains("796", text);
            Assert.Contains("WCHC", text);
            Assert.Contains("Mehmet Yilmaz", text);
        }

        // The commitment reserves the cover in Cases' ledger (as a guarantee letter for the repatriation benefit).
        var committed = await Trip.PostAsync(client, $"/plans/{id}/commitment");
        var commitment = committed.GetProperty("commitment");
        Assert.StartsWith($"RPC-{DateTime.UtcNow.Year}-", commitment.GetProperty("number").GetString());
        Assert.Equal(12_000m, commitment.GetProperty("amount").GetDecimal());
        var letter = (await Trip.OutboxAsync(service, "GuaranteeLetterIssued", caseId)).Single();
        Assert.Equal("repatriation", letter.GetProperty("benefit").GetString());
        Assert.Equal("MedEscort International", letter.GetProperty("clinicName").GetString());
        await Trip.PostAsync(client, $"/plans/{id}/commitment", expected: HttpStatusCode.Conflict);

        // The flight is requested from the agency by e-mail; it confirms through the link with its reference.
        var requested = await Trip.PostAsync(client, $"/plans/{id}/legs/2/booking-request");
        Assert.Equal("requested", requested.GetProperty("legs")[1].GetProperty("status").GetString());
        (string Subject, string Body, JsonElement Summary) mail = default;
        await Eventually.True(async () => (mail = (await service.Delivery.MailsToAsync("ops@story-escort.example")).FirstOrDefault()).Subject is not null,
            TimeSpan.FromSeconds(20), "the booking request is e-mailed");
        Assert.Equal("Booking request 2026-000702: AYT → DME, " + Trip.At(5, 14).ToString("yyyy-MM-dd HH:mm") + " (UTC+03:00), S7 796", mail.Subject);
        Assert.Contains("Maria Ivanova", mail.Body);
        var link = mail.Body!.Split('\n').Select(l => l.Trim()).Single(l => l.Contains("/bookings/confirm?token="));
        var path = new Uri(link).PathAndQuery.Replace("/api/repatriation", "");

        var anonymous = service.CreateClient();
        Assert.Contains("S7 796", await anonymous.GetStringAsync(path));
        var confirm = await anonymous.PostAsync(path, new FormUrlEncodedContent([new("answer", "confirmed"), new("reference", "S7-PNR-QX7Z")]));
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Contains("the booking is confirmed", await confirm.Content.ReadAsStringAsync());
        var again = await anonymous.PostAsync(path, new FormUrlEncodedContent([new("answer", "confirmed"), new("reference", "S7-PNR-OTHER")]));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var forged = await anonymous.GetAsync(path[..^3] + "AAA");
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        var afterConfirm = await client.GetFromJsonAsync<JsonElement>($"/plans/{id}");
        var flightLeg = afterConfirm.GetProperty("legs")[1];
        Assert.Equal("confirmed", flightLeg.GetProperty("status").GetString());
        Assert.Equal("S7-PNR-QX7Z", flightLeg.GetProperty("reference").GetString());
        Assert.Equal("confirmed", flightLeg.GetProperty("bookingRequest").GetProperty("answer").GetString());
        var booked = (await Trip.OutboxAsync(service, "RepatriationLegBooked", caseId)).Single();
        Assert.Equal(2, booked.GetProperty("legNumber").GetInt32());
        Assert.False(booked.GetProperty("allLegsBooked").GetBoolean());

        // The ground legs booked by hand; a leg not booked cannot be done; then all three are travelled.
        await Trip.PostAsync(client, $"/plans/{id}/legs/1/status", new { status = "done" }, HttpStatusCode.Conflict);
        await Trip.PostAsync(client, $"/plans/{id}/legs/1/status", new { status = "booked", reference = "AMB-1" });
        var allBooked = await Trip.PostAsync(client, $"/plans/{id}/legs/3/status", new { status = "booked", reference = "AMB-2" });
        Assert.True((await Trip.OutboxAsync(service, "RepatriationLegBooked", caseId)).Last().GetProperty("allLegsBooked").GetBoolean());
        Assert.Equal("agreed", allBooked.GetProperty("status").GetString());
        Assert.Equal("in-progress", (await Trip.PostAsync(client, $"/plans/{id}/legs/1/status", new { status = "done" })).GetProperty("status").GetString());
        await Trip.PostAsync(client, $"/plans/{id}/legs/2/status", new { status = "done" });
        var done = await Trip.PostAsync(client, $"/plans/{id}/legs/3/status", new { status = "done" });
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Single(await Trip.OutboxAsync(service, "RepatriationCompleted", caseId));
        await Trip.PostAsync(client, $"/plans/{id}/cancel", new { reason = "too late" }, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_air_ambulance_above_the_cover_cannot_be_committed_and_a_cancelled_plan_releases_its_commitment()
    {
        const string tenant = "rp-air";
        var client = service.ClientFor(tenant);
        var caseId = await Trip.CaseAsync(service, tenant, "2026-000703");
        await Trip.MedicalAsync(service, tenant, caseId, "2026-000703");
        await Trip.FactsAsync(client, "2026-000703");
        await Trip.ProvidersAsync(client, "ops@air-escort.example");

        var air = await Trip.CreateAsync(client, Trip.AirAmbulance("2026-000703"));
        Assert.Equal("SKYCARE", air.GetProperty("providerCode").GetString());
        Assert.False(air.GetProperty("cover").GetProperty("fits").GetBoolean());
        Assert.Equal(["exceeds-cover"], Codes(air.GetProperty("warnings")));
        Assert.Equal(JsonValueKind.Null, air.GetProperty("medifDue").ValueKind); // an air ambulance is no airline: no MEDIF
        var airId = air.GetProperty("id").GetString();
        await Trip.PostAsync(client, $"/plans/{airId}/agree");
        var refused = await Trip.PostAsync(client, $"/plans/{airId}/commitment", expected: HttpStatusCode.Conflict);
        Assert.Contains("38,000.00 USD exceeds the remaining repatriation cover of 20,000.00 USD by 18,000.00 USD", refused.GetProperty("detail").GetString());
        Assert.Empty(await Trip.OutboxAsync(service, "GuaranteeLetterIssued", caseId));

        // A second live plan for the case is refused until the first is cancelled.
        var stretcher = await Trip.CreateAsync(client, Trip.Stretcher("2026-000703"));
        var stretcherId = stretcher.GetProperty("id").GetString();
        var second = await Trip.PostAsync(client, $"/plans/{stretcherId}/agree", expected: HttpStatusCode.Conflict);
        Assert.Contains("already has a live plan", second.GetProperty("detail").GetString());
        var cancelled = await Trip.PostAsync(client, $"/plans/{airId}/cancel", new { reason = "Above the cover; a stretcher on a scheduled flight instead" });
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Single(await Trip.OutboxAsync(service, "RepatriationCancelled", caseId));

        await Trip.PostAsync(client, $"/plans/{stretcherId}/agree");
        await Trip.PostAsync(client, $"/plans/{stretcherId}/commitment");
        await Trip.PostAsync(client, $"/plans/{stretcherId}/cancel", new { reason = "The patient stays for treatment" });
        var revoked = (await Trip.OutboxAsync(service, "GuaranteeLetterRevoked", caseId)).Single();
        var issued = (await Trip.OutboxAsync(service, "GuaranteeLetterIssued", caseId)).Single();
        Assert.Equal(issued.GetProperty("letterId").GetString(), revoked.GetProperty("letterId").GetString());
        Assert.Equal("revoked", (await client.GetFromJsonAsync<JsonElement>($"/plans/{stretcherId}")).GetProperty("commitment").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Bad_input_names_each_field_and_writes_nothing()
    {
        const string tenant = "rp-bad";
        var client = service.ClientFor(tenant);
        await Trip.CaseAsync(service, tenant, "2026-000704");
        var response = await client.PostAsJsonAsync("/plans", new
        {
            caseNumber = "2026-000704", mode = "teleport", escort = "nurse", routeClass = "medium-haul",
            legs = new object[]
            {
                new { kind = "flight", from = "AYT", to = "DME", departsAt = Trip.At(5, 14), carrier = "S77", flightNumber = "7-96" },
                new { kind = "ground", from = "DME", to = "Hospital", departsAt = Trip.At(4, 9), carrier = "S7" },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "mode", "receivingAddress", "legs[0].carrier", "legs[0].flightNumber", "legs[1].departsAt", "legs[1].kind" })
            Assert.True(errors.TryGetProperty(field, out _), $"{field} is named in {errors}");
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM plans WHERE tenant_id = @t", ("t", tenant)));

        var facts = await client.PutAsJsonAsync("/cases/2026-000704/medical-facts",
            new { diagnoses = new[] { new { code = "heart", since = (DateOnly?)null } }, procedures = new[] { new { code = "stent", on = Trip.Day(1) } }, haemoglobin = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, facts.StatusCode);
        var factErrors = (await facts.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "diagnoses[0].code", "diagnoses[0].since", "procedures[0].code", "haemoglobin" })
            Assert.True(factErrors.TryGetProperty(field, out _), $"{field} is named in {factErrors}");

        var provider = await client.PutAsJsonAsync("/providers/x", new { name = "", kind = "taxi", email = "nope", rates = new[] { new { mode = "rocket", routeClass = "far", amount = -1m, currency = "XXX" } } });
        var providerErrors = (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "code", "name", "kind", "email", "rates[0].mode", "rates[0].routeClass", "rates[0].amount", "rates[0].currency" })
            Assert.True(providerErrors.TryGetProperty(field, out _), $"{field} is named in {providerErrors}");

        var unknownProvider = await client.PostAsJsonAsync("/plans", Trip.Stretcher("2026-000704", provider: "NOBODY"));
        Assert.Equal(HttpStatusCode.BadRequest, unknownProvider.StatusCode);
        Assert.Contains("providerCode", await unknownProvider.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Another_tenant_sees_neither_the_case_nor_its_plan_nor_its_providers()
    {
        var owner = service.ClientFor("rp-owner");
        var other = service.ClientFor("rp-other");
        await Trip.CaseAsync(service, "rp-owner", "2026-000705");
        await Trip.ProvidersAsync(owner, "ops@owner-escort.example");
        var plan = await Trip.CreateAsync(owner, Trip.Stretcher("2026-000705"));
        var id = plan.GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/plans/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/plans/{id}/agree", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/plans/{id}/medif.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/cases/2026-000705/fitness")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/providers/MEDESCORT")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync("/plans", Trip.Stretcher("2026-000705"))).StatusCode);
        Assert.Equal("draft", (await owner.GetFromJsonAsync<JsonElement>($"/plans/{id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_carriers_own_rule_replaces_the_default_for_its_flights_only()
    {
        const string tenant = "rp-carrier";
        var client = service.ClientFor(tenant);
        var caseId = await Trip.CaseAsync(service, tenant, "2026-000706");
        await Trip.MedicalAsync(service, tenant, caseId, "2026-000706");
        var csv = "id,applies_to,risk,modes,min_days,limit,counted_from,condition,source,carrier\n" +
                  "mi,I21|I22,any,commercial,14,,event,\"S7 medical desk: 14 days after any infarction\",\"S7 Airlines medical policy (example)\",S7\n";
        var load = await client.PutAsync("/fitness-rules/S7", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"));
        Assert.True(load.IsSuccessStatusCode, await load.Content.ReadAsStringAsync());

        var s7 = await client.GetFromJsonAsync<JsonElement>("/cases/2026-000706/fitness?carrier=S7");
        var other = await client.GetFromJsonAsync<JsonElement>("/cases/2026-000706/fitness");
        string Earliest(JsonElement f) => f.GetProperty("modes").EnumerateArray().Single(m => m.GetProperty("mode").GetString() == "commercial-seated")
            .GetProperty("earliest").GetString()!;
        Assert.Equal(Trip.Day(15).ToString("yyyy-MM-dd"), Earliest(s7));
        Assert.Equal(Trip.Day(11).ToString("yyyy-MM-dd"), Earliest(other)); // the default: 10 days when the risk is not known

        var broken = await client.PutAsync("/fitness-rules/S7", new StringContent("id,applies_to\nmi,I21\n", System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal(Trip.Day(15).ToString("yyyy-MM-dd"), Earliest(await client.GetFromJsonAsync<JsonElement>("/cases/2026-000706/fitness?carrier=S7")));
    }
}

[Collection(RepatriationService.Name)]
public sealed class Every_repatriation_endpoint(RepatriationFactory service)
{
    [Fact]
    public Task Names_who_may_call_it_and_refuses_every_other_role() => AccessMatrix.VerifyAsync(service);

    [Fact]
    public Task Gets_a_problem_and_never_a_5xx_for_bad_input() => InputFuzz.VerifyAsync(service);
}
