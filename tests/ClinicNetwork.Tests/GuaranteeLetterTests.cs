using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.ClinicNetwork.Guarantees;
using Platform.Contracts;
using Platform.Tests;

namespace Platform.ClinicNetwork.Tests;

/// <summary>Issuing, amending, revoking and expiring letters against a case's cover of 50,000 USD for medical expenses.</summary>
public sealed class Guarantee_letters(ClinicsFactory clinics) : IClassFixture<ClinicsFactory>
{
    private async Task<(HttpClient Client, string Case, string Clinic, Guid CaseId)> SetUpAsync(string tenant, decimal limit = 50_000m)
    {
        var clinic = await Gop.ClinicAsync(clinics, tenant, "ORL-001", ["en", "es"], "gop@orlando-health.example");
        var caseId = await Gop.CoverAsync(clinics, tenant, "2026-000101", limit);
        return (clinics.ClientFor(tenant), "2026-000101", clinic, caseId);
    }

    [Fact]
    public async Task Within_the_cover_is_issued_with_a_GOP_number_and_published_through_the_outbox()
    {
        var (client, number, clinic, caseId) = await SetUpAsync("gop-issue");

        var letter = await Gop.IssueAsync(client, Gop.Request(number, clinic, 10_000m));

        Assert.Matches(@"^GOP-\d{4}-000001$", letter.GetProperty("number").GetString());
        Assert.Equal("issued", letter.GetProperty("status").GetString());
        Assert.Equal(10_000m, letter.GetProperty("amount").GetDecimal());
        Assert.Equal("Pyotr Ivanov", letter.GetProperty("insured").GetProperty("name").GetString());
        Assert.Equal("POL-778899", letter.GetProperty("insured").GetProperty("policyNumber").GetString());
        Assert.Equal("en", letter.GetProperty("language").GetString());
        Assert.Equal(caseId, letter.GetProperty("caseId").GetGuid());
        var id = letter.GetProperty("id").GetGuid();
        Assert.Equal(1, await clinics.CountAsync("""
            SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.GuaranteeLetterIssued,%'
              AND (body->>'letterId')::uuid = @id AND (body->>'amount')::numeric = 10000 AND body->>'currency' = 'USD'
              AND body->>'benefit' = 'medical-expenses' AND (body->>'caseId')::uuid = @case_id
            """, ("id", id), ("case_id", caseId)));
        var read = await client.GetFromJsonAsync<JsonElement>($"/guarantees/{letter.GetProperty("number").GetString()}");
        Assert.Equal(id, read.GetProperty("id").GetGuid());
        var list = await client.GetFromJsonAsync<JsonElement>($"/guarantees?case={number}");
        Assert.Equal(id, Assert.Single(list.EnumerateArray()).GetProperty("id").GetGuid());
        var second = await Gop.IssueAsync(client, Gop.Request(number, clinic, 1_000m));
        Assert.Matches(@"^GOP-\d{4}-000002$", second.GetProperty("number").GetString());
    }

    [Fact]
    public async Task Beyond_the_remaining_cover_is_refused_with_a_problem_naming_the_amount_requested_and_the_amount_remaining()
    {
        var (client, number, clinic, _) = await SetUpAsync("gop-beyond");
        await Gop.IssueAsync(client, Gop.Request(number, clinic, 40_000m));

        var response = await client.PostAsJsonAsync("/guarantees", Gop.Request(number, clinic, 15_000m));

        var problem = await ProblemAssert.IsProblemAsync(response, (HttpStatusCode)422, GuaranteesApi.CoverExceededType);
        Assert.Equal(15_000m, problem.GetProperty("requested").GetDecimal());
        Assert.Equal(10_000m, problem.GetProperty("remaining").GetDecimal());
        Assert.Equal("USD", problem.GetProperty("currency").GetString());
        Assert.Contains("15,000.00 USD requested", problem.GetProperty("detail").GetString());
        Assert.Contains("only 10,000.00 USD", problem.GetProperty("detail").GetString());
        Assert.Equal(1, await clinics.CountAsync("SELECT count(*) FROM guarantee_letters WHERE tenant_id = 'gop-beyond'"));
    }

    [Fact]
    public async Task In_another_currency_than_the_policys_is_a_400_naming_the_currency()
    {
        var (client, number, clinic, _) = await SetUpAsync("gop-currency");

        var response = await client.PostAsJsonAsync("/guarantees", Gop.Request(number, clinic, 1_000m, currency: "EUR"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Contains("USD", problem.GetProperty("errors").GetProperty("currency")[0].GetString());
    }

    [Fact]
    public async Task Issued_at_the_same_moment_never_add_up_to_more_than_the_cover()
    {
        var (client, number, clinic, _) = await SetUpAsync("gop-race");

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.PostAsJsonAsync("/guarantees", Gop.Request(number, clinic, 10_000m))));

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, responses.Count(r => (int)r.StatusCode == 422));
        Assert.Equal(50_000, await clinics.CountAsync("SELECT sum(amount)::bigint FROM guarantee_letters WHERE tenant_id = 'gop-race'"));
    }

    [Fact]
    public async Task Amended_up_beyond_the_remaining_cover_is_refused_and_down_is_published()
    {
        var (client, number, clinic, _) = await SetUpAsync("gop-amend");
        var letter = await Gop.IssueAsync(client, Gop.Request(number, clinic, 30_000m));
        await Gop.IssueAsync(client, Gop.Request(number, clinic, 15_000m));
        var gop = letter.GetProperty("number").GetString();

        var up = await client.PostAsJsonAsync($"/guarantees/{gop}/amend", new { amount = 36_000m });
        var down = await client.PostAsJsonAsync($"/guarantees/{gop}/amend", new { amount = 20_000m });
        var upAgain = await client.PostAsJsonAsync($"/guarantees/{gop}/amend", new { amount = 35_000m });

        var problem = await ProblemAssert.IsProblemAsync(up, (HttpStatusCode)422, GuaranteesApi.CoverExceededType);
        Assert.Equal(36_000m, problem.GetProperty("requested").GetDecimal());
        Assert.Equal(35_000m, problem.GetProperty("remaining").GetDecimal());
        Assert.Equal(HttpStatusCode.OK, down.StatusCode);
        Assert.Equal(HttpStatusCode.OK, upAgain.StatusCode);
        Assert.Equal(35_000m, (await upAgain.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amount").GetDecimal());
        Assert.Equal(2, await Gop.EventsAsync(clinics, "GuaranteeLetterAmended", letter.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Revoked_releases_its_reservation_and_is_published()
    {
        var (client, number, clinic, _) = await SetUpAsync("gop-revoke");
        var letter = await Gop.IssueAsync(client, Gop.Request(number, clinic, 50_000m));
        var gop = letter.GetProperty("number").GetString();
        Assert.Equal(422, (int)(await client.PostAsJsonAsync("/guarantees", Gop.Request(number, clinic, 1m))).StatusCode);

        var noReason = await client.PostAsJsonAsync($"/guarantees/{gop}/revoke", new { reason = "" });
        var revoked = await client.PostAsJsonAsync($"/guarantees/{gop}/revoke", new { reason = "Patient transferred to another hospital" });
        var again = await client.PostAsJsonAsync($"/guarantees/{gop}/revoke", new { reason = "again" });

        await ProblemAssert.IsProblemAsync(noReason, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        var body = await revoked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("revoked", body.GetProperty("status").GetString());
        Assert.Equal("Patient transferred to another hospital", body.GetProperty("revocationReason").GetString());
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, ProblemTypes.Conflict);
        Assert.Equal(1, await Gop.EventsAsync(clinics, "GuaranteeLetterRevoked", letter.GetProperty("id").GetGuid()));
        await Gop.IssueAsync(client, Gop.Request(number, clinic, 50_000m));
    }

    [Fact]
    public async Task Counts_an_invoice_under_a_letter_once_as_spent_and_one_outside_any_letter_as_spent()
    {
        var (client, number, clinic, caseId) = await SetUpAsync("gop-invoices");
        var letter = await Gop.IssueAsync(client, Gop.Request(number, clinic, 30_000m));
        await Gop.PublishAsync(clinics, new InvoiceAdjudicated(Guid.NewGuid(), "gop-invoices", caseId, Gop.Medical, 10_000m, "USD",
            letter.GetProperty("id").GetGuid(), DateTimeOffset.UtcNow));
        await Gop.PublishAsync(clinics, new InvoiceAdjudicated(Guid.NewGuid(), "gop-invoices", caseId, Gop.Medical, 5_000m, "USD", null,
            DateTimeOffset.UtcNow));

        // 50,000 - 15,000 spent - (30,000 - 10,000) still reserved = 15,000.
        var over = await client.PostAsJsonAsync("/guarantees", Gop.Request(number, clinic, 15_000.01m));
        Assert.Equal(15_000m, (await ProblemAssert.IsProblemAsync(over, (HttpStatusCode)422, GuaranteesApi.CoverExceededType)).GetProperty("remaining").GetDecimal());
        await Gop.IssueAsync(client, Gop.Request(number, clinic, 15_000m));
    }

    [Fact]
    public async Task Whose_period_has_ended_expires_releasing_its_reservation_and_publishing_the_revocation()
    {
        var (client, number, clinic, _) = await SetUpAsync("gop-expiry");
        var letter = await Gop.IssueAsync(client, Gop.Request(number, clinic, 50_000m, from: new DateOnly(2024, 1, 1), to: new DateOnly(2024, 1, 5)));
        var gop = letter.GetProperty("number").GetString();

        await clinics.Services.GetRequiredService<GuaranteeExpiry>().ExpireDueAsync(CancellationToken.None);

        Assert.Equal("expired", (await client.GetFromJsonAsync<JsonElement>($"/guarantees/{gop}")).GetProperty("status").GetString());
        Assert.Equal(1, await Gop.EventsAsync(clinics, "GuaranteeLetterRevoked", letter.GetProperty("id").GetGuid()));
        await Gop.IssueAsync(client, Gop.Request(number, clinic, 50_000m));
    }

    [Fact]
    public async Task Of_another_tenant_is_not_found_and_its_cover_is_not_usable()
    {
        var (client, number, clinic, _) = await SetUpAsync("gop-tenant-a");
        var letter = await Gop.IssueAsync(client, Gop.Request(number, clinic, 1_000m));
        var gop = letter.GetProperty("number").GetString();
        var other = clinics.ClientFor("gop-tenant-b");
        await Gop.ClinicAsync(clinics, "gop-tenant-b", "ORL-001", ["en"], "b@clinic.example");

        await ProblemAssert.IsProblemAsync(await other.GetAsync($"/guarantees/{gop}"), HttpStatusCode.NotFound, ProblemTypes.NotFound);
        await ProblemAssert.IsProblemAsync(await other.GetAsync($"/guarantees/{gop}/letter.pdf"), HttpStatusCode.NotFound, ProblemTypes.NotFound);
        await ProblemAssert.IsProblemAsync(await other.PostAsJsonAsync($"/guarantees/{gop}/revoke", new { reason = "x" }), HttpStatusCode.NotFound, ProblemTypes.NotFound);
        await ProblemAssert.IsProblemAsync(await other.PostAsJsonAsync("/guarantees", Gop.Request(number, clinic, 1m)), HttpStatusCode.NotFound, ProblemTypes.NotFound);
        Assert.Empty((await other.GetFromJsonAsync<JsonElement>($"/guarantees?case={number}")).EnumerateArray());
    }

    [Fact]
    public async Task Reads_back_from_its_PDF_in_English_with_every_field()
    {
        var (client, number, clinic, _) = await SetUpAsync("gop-pdf-en");
        var letter = await Gop.IssueAsync(client, Gop.Request(number, clinic, 10_000m, from: new DateOnly(2026, 3, 5), to: new DateOnly(2026, 3, 15)));
        var gop = letter.GetProperty("number").GetString()!;

        var response = await client.GetAsync($"/guarantees/{gop}/letter.pdf");

        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var (pages, text) = Gop.ReadPdf(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, pages);
        foreach (var expected in new[]
                 {
                     "Guarantee of payment", gop, "Pyotr Ivanov", "14 Mar 1958", "POL-778899", number, "Orlando Health Medical Center",
                     "medical expenses", "10,000.00 USD", "5 Mar 2026 – 15 Mar 2026", "semi-private room", "Co-payment 100.00 USD",
                     "Deductible 50.00 USD", "cosmetic surgery; dental care", "Acme Assistance: +7 495 555-01-99", "What is not guaranteed",
                 })
            Assert.True(text.Contains(expected), $"{expected} not in: {text}");
        Assert.Contains("https://api.test.example/api/clinics/guarantees/acknowledge?token=", text.Replace(" ", ""));
    }

    [Fact]
    public async Task Reads_back_from_its_PDF_in_Russian_for_a_clinic_that_speaks_Russian()
    {
        const string tenant = "gop-pdf-ru";
        var clinic = await Gop.ClinicAsync(clinics, tenant, "MSK-007", ["ru", "en"], "gop@clinic.example", name: "Клиника «Медицина»");
        await Gop.CoverAsync(clinics, tenant, "2026-000202", name: "Иванов Пётр");
        var client = clinics.ClientFor(tenant);
        var letter = await Gop.IssueAsync(client, Gop.Request("2026-000202", clinic, 10_000m, from: new DateOnly(2026, 3, 5), to: new DateOnly(2026, 3, 15)));
        var gop = letter.GetProperty("number").GetString()!;

        var (pages, text) = Gop.ReadPdf(await client.GetByteArrayAsync($"/guarantees/{gop}/letter.pdf"));

        Assert.Equal(1, pages);
        Assert.Equal("ru", letter.GetProperty("language").GetString());
        var normal = text.Replace('\u00a0', ' ');
        foreach (var expected in new[]
                 {
                     "Гарантийное письмо", gop, "Иванов Пётр", "14.03.1958", "POL-778899", "2026-000202", "Клиника «Медицина»",
                     "медицинские расходы", "10 000,00 USD", "05.03.2026 – 15.03.2026", "двухместная палата", "Что не гарантировано",
                     "Доплата пациента 100,00 USD", "Франшиза 50,00 USD", "cosmetic surgery; dental care", "Acme Assistance: +7 495 555-01-99",
                 })
            Assert.Contains(expected, normal);
    }
}

/// <summary>The clinic's answer: through the signed link of its letter, or recorded by staff.</summary>
public sealed class Acknowledging_a_guarantee_letter(ClinicsFactory clinics) : IClassFixture<ClinicsFactory>
{
    private async Task<(HttpClient Client, JsonElement Letter)> LetterAsync(string tenant)
    {
        var clinic = await Gop.ClinicAsync(clinics, tenant, "ORL-001", ["en"], "gop@orlando-health.example");
        await Gop.CoverAsync(clinics, tenant, "2026-000303");
        var client = clinics.ClientFor(tenant);
        return (client, await Gop.IssueAsync(client, Gop.Request("2026-000303", clinic, 10_000m)));
    }

    private string Token(string tenant, JsonElement letter) =>
        clinics.Services.GetRequiredService<AcknowledgementLinks>().Token(tenant, letter.GetProperty("id").GetGuid());

    private static HttpRequestMessage Post(string token, string decision, string? reason = null) =>
        new(HttpMethod.Post, $"/guarantees/acknowledge?token={token}")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["decision"] = decision, ["reason"] = reason ?? "" }),
            Headers = { { "Accept", "text/html" } },
        };

    [Fact]
    public async Task By_the_clinics_own_key_only_for_its_own_letters_and_a_refusal_counts_against_its_quality()
    {
        var (_, letter) = await LetterAsync("ack-key");
        var number = letter.GetProperty("number").GetString()!;
        var orlando = clinics.ClientFor("ack-key", "clinic:ORL-001", "clinic", "clinic");
        var another = clinics.ClientFor("ack-key", "clinic:MIA-002", "clinic", "clinic");

        var listed = await orlando.GetFromJsonAsync<JsonElement>("/clinic/guarantees");
        var othersView = await another.GetFromJsonAsync<JsonElement>("/clinic/guarantees");
        var byAnother = await another.PostAsJsonAsync($"/clinic/guarantees/{number}/acknowledge", new { decision = "accepted" });
        var refused = await orlando.PostAsJsonAsync($"/clinic/guarantees/{number}/acknowledge",
            new { decision = "refused", reason = "No beds in cardiology this week" });

        Assert.Equal(number, listed.EnumerateArray().Single().GetProperty("number").GetString());
        Assert.Empty(othersView.EnumerateArray());
        await ProblemAssert.IsProblemAsync(byAnother, HttpStatusCode.NotFound, Microsoft.Extensions.Hosting.ProblemTypes.NotFound);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var acknowledgement = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("acknowledgement");
        Assert.Equal(("refused", "clinic:ORL-001"), (acknowledgement.GetProperty("decision").GetString(), acknowledgement.GetProperty("by").GetString()));
        Assert.Equal(1, await clinics.CountAsync(
            "SELECT count(*) FROM clinic_quality_events WHERE tenant_id = 'ack-key' AND kind = 'gop-refusal' AND note LIKE '%No beds in cardiology%'"));
    }

    [Fact]
    public async Task By_its_signed_link_shows_the_letter_and_records_the_acceptance_without_any_identity()
    {
        var (client, letter) = await LetterAsync("ack-link");
        var token = Token("ack-link", letter);
        var anonymous = clinics.CreateClient();

        var page = await anonymous.GetAsync($"/guarantees/acknowledge?token={token}");
        var accepted = await anonymous.SendAsync(Post(token, "accepted"));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains(letter.GetProperty("number").GetString()!, html);
        Assert.Contains("10,000.00 USD", html);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains("your answer has been recorded", await accepted.Content.ReadAsStringAsync());
        var read = await client.GetFromJsonAsync<JsonElement>($"/guarantees/{letter.GetProperty("number").GetString()}");
        Assert.Equal("accepted", read.GetProperty("acknowledgement").GetProperty("decision").GetString());
        Assert.Equal("clinic", read.GetProperty("acknowledgement").GetProperty("by").GetString());
        Assert.Equal(1, await Gop.EventsAsync(clinics, "GuaranteeLetterAcknowledged", letter.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task By_its_signed_link_records_a_refusal_only_with_its_reason()
    {
        var (client, letter) = await LetterAsync("ack-refuse");
        var token = Token("ack-refuse", letter);
        var anonymous = clinics.CreateClient();

        var noReason = await anonymous.SendAsync(Post(token, "refused"));
        var refused = await anonymous.SendAsync(Post(token, "refused", "We are not in network for this insurer"));

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var ack = (await client.GetFromJsonAsync<JsonElement>($"/guarantees/{letter.GetProperty("number").GetString()}")).GetProperty("acknowledgement");
        Assert.Equal("refused", ack.GetProperty("decision").GetString());
        Assert.Equal("We are not in network for this insurer", ack.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task By_a_tampered_or_expired_or_other_tenants_link_is_refused()
    {
        var (_, letter) = await LetterAsync("ack-tamper");
        var token = Token("ack-tamper", letter);
        var anonymous = clinics.CreateClient();
        var tampered = token[..^2] + (token[^2] == 'A' ? "BA" : "AA");
        var expired = new AcknowledgementLinks(Options.Create(new GuaranteeOptions
        {
            LinkSecret = ClinicsFactory.LinkSecret, LinkValidFor = TimeSpan.FromMinutes(-1), PublicBaseUrl = "https://x.example",
        }), TimeProvider.System).Token("ack-tamper", letter.GetProperty("id").GetGuid());
        var otherTenant = Token("ack-other", letter);

        foreach (var bad in new[] { tampered, expired, otherTenant, "", "not-a-token" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"/guarantees/acknowledge?token={bad}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.SendAsync(Post(bad, "accepted"))).StatusCode);
        }
        Assert.Equal(0, await clinics.CountAsync("SELECT count(*) FROM guarantee_letters WHERE acknowledgement IS NOT NULL AND tenant_id = 'ack-tamper'"));
    }

    [Fact]
    public async Task By_staff_on_the_clinics_behalf_is_recorded_with_who_recorded_it_and_a_revoked_letter_cannot_be_answered()
    {
        var (client, letter) = await LetterAsync("ack-staff");
        var gop = letter.GetProperty("number").GetString();

        var refusedWithoutReason = await client.PostAsJsonAsync($"/guarantees/{gop}/acknowledge", new { decision = "refused" });
        var accepted = await client.PostAsJsonAsync($"/guarantees/{gop}/acknowledge", new { decision = "accepted" });
        await client.PostAsJsonAsync($"/guarantees/{gop}/revoke", new { reason = "Discharged" });
        var afterRevocation = await client.PostAsJsonAsync($"/guarantees/{gop}/acknowledge", new { decision = "accepted" });

        await ProblemAssert.IsProblemAsync(refusedWithoutReason, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        var ack = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("acknowledgement");
        Assert.Equal("accepted", ack.GetProperty("decision").GetString());
        Assert.Equal("staff:test-key", ack.GetProperty("by").GetString());
        await ProblemAssert.IsProblemAsync(afterRevocation, HttpStatusCode.Conflict, ProblemTypes.Conflict);
    }
}
