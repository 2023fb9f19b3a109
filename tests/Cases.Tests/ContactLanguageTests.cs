using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Cases.Briefing;
using Platform.Contracts;
using Platform.Tests;

namespace Platform.Cases.Tests;

/// <summary>The case study: the daughter calls in Russian from a +7 phone; the clinic's English-speaking doctor is added later.</summary>
internal static class DaughterAndDoctor
{
    public static AppealRegistered Appeal(string tenant, string insured) => CasesFactory.Appeal(tenant, insured) with
    {
        Caller = new AppealCaller("Maria Ivanova", "daughter", "+7 916 555-01-02", null, "ru", false),
    };

    /// <summary>Opens the case, adds the doctor (the most recently added contact), and returns both contacts' ids.</summary>
    public static async Task<(Guid CaseId, string Number, Guid Daughter, Guid Doctor, HttpClient Client)> OpenAsync(ServiceFactory<Program> cases, string tenant, string insured)
    {
        var (caseId, number) = await CaseOpening.OpenAsync(cases, Appeal(tenant, insured));
        var client = cases.ClientFor(tenant, "coordinator-anna", "staff", "coordinator");
        var saved = await client.PutAsJsonAsync($"/cases/{number}/contacts", new
        {
            name = "Dr. John Carter", relation = "clinic-doctor", phone = "+1 407 555 0100", language = "en", preferredChannel = "email",
            email = "carter@clinic.example",
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var contacts = (await saved.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        return (caseId, number, contacts["Maria Ivanova"].GetProperty("id").GetGuid(), contacts["Dr. John Carter"].GetProperty("id").GetGuid(), client);
    }
}

public sealed class Messages_to_contacts(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public async Task The_review_of_a_document_the_daughter_sent_goes_to_her_in_Russian_though_an_English_speaking_doctor_was_added_since()
    {
        var (caseId, number, daughter, _, client) = await DaughterAndDoctor.OpenAsync(cases, "lang-review", "Review Ivanov");
        var form = SampleFiles.Form(SampleFiles.Pdf("passport of the daughter's father"), "application/pdf", "passport", "passport.pdf");
        form.Add(new StringContent(daughter.ToString()), "contactId");
        var upload = await client.PostAsync($"/cases/{number}/documents", form);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var document = await upload.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(daughter, document.GetProperty("sentByContactId").GetGuid());

        await client.PostAsJsonAsync($"/cases/{number}/documents/{document.GetProperty("id").GetGuid()}/review", new { decision = "accepted" });

        await using var connection = new Npgsql.NpgsqlConnection(cases.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            "SELECT contact_id, recipient, channel, language, text FROM contact_messages WHERE case_id = @id AND kind = 'documents'", connection);
        cmd.Parameters.AddWithValue("id", caseId);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal(daughter, r.GetGuid(0));
        Assert.Equal("Maria Ivanova", r.GetString(1));
        Assert.Equal("sms", r.GetString(2)); // she prefers calls: written messages go by SMS to her number
        Assert.Equal("ru", r.GetString(3));
        Assert.StartsWith($"Случай {number}: мы проверили документ «паспорт» (passport.pdf). Документ принят.", r.GetString(4));
        Assert.False(await r.ReadAsync());
        var entry = (await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/timeline")).EnumerateArray()
            .Last(e => e.GetProperty("kind").GetString() == "message-to-contact");
        Assert.StartsWith("To Maria Ivanova (daughter) by SMS to +79165550102: Случай", entry.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task How_the_caller_asked_to_be_reached_at_intake_is_kept_and_a_later_call_that_does_not_say_changes_nothing()
    {
        var first = DaughterAndDoctor.Appeal("lang-channel", "Channel Ivanov") with
        {
            Caller = new AppealCaller("Maria Ivanova", "daughter", "+7 916 555-01-02", "maria@example.ru", "ru", false,
                PreferredChannel: "email", ConsentsToMessages: false),
        };
        var (_, number) = await CaseOpening.OpenAsync(cases, first);
        await CaseOpening.OpenAsync(cases, DaughterAndDoctor.Appeal("lang-channel", "Channel Ivanov") with { AppealId = Guid.CreateVersion7() });

        var client = cases.ClientFor("lang-channel");
        var maria = (await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/contacts")).EnumerateArray().Single();

        Assert.Equal("email", maria.GetProperty("preferredChannel").GetString());
        Assert.False(maria.GetProperty("consentsToMessages").GetBoolean());
    }

    [Fact]
    public async Task A_document_from_someone_not_on_the_case_is_a_400_naming_contactId()
    {
        var (_, number, _, _, client) = await DaughterAndDoctor.OpenAsync(cases, "lang-sender", "Sender Ivanov");
        foreach (var contact in new[] { Guid.NewGuid().ToString(), "the daughter" })
        {
            var form = SampleFiles.Form(SampleFiles.Pdf(contact), "application/pdf", "passport");
            form.Add(new StringContent(contact), "contactId");
            await Uploading_a_document.AssertProblemNaming(await client.PostAsync($"/cases/{number}/documents", form), HttpStatusCode.BadRequest, "contactId");
        }
    }

    [Fact]
    public async Task A_contact_can_be_a_son_with_their_own_time_zone_and_an_unknown_zone_is_a_400_naming_it()
    {
        var (_, number, _, _, client) = await DaughterAndDoctor.OpenAsync(cases, "lang-contact", "Contact Ivanov");

        var son = await client.PutAsJsonAsync($"/cases/{number}/contacts",
            new { name = "Ivan Ivanov", relation = "son", phone = "+7 423 555 0101", language = "ru", timeZone = "Asia/Vladivostok" });
        var bad = await client.PutAsJsonAsync($"/cases/{number}/contacts",
            new { name = "Ivan Ivanov", relation = "son", phone = "+7 423 555 0101", timeZone = "Vladivostok" });

        Assert.Equal(HttpStatusCode.OK, son.StatusCode);
        var saved = (await son.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Ivan Ivanov");
        Assert.Equal("son", saved.GetProperty("relation").GetString());
        Assert.Equal("Asia/Vladivostok", saved.GetProperty("toldTimesIn").GetProperty("id").GetString());
        await Uploading_a_document.AssertProblemNaming(bad, HttpStatusCode.BadRequest, "timeZone");
    }
}

public sealed class The_briefing_for_the_person_on_the_line(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public async Task Is_in_the_most_recent_callers_language_by_default_and_in_the_chosen_contacts_when_asked()
    {
        var (_, number, daughter, doctor, client) = await DaughterAndDoctor.OpenAsync(cases, "lang-briefing", "Briefing Ivanov");
        await client.PutAsJsonAsync($"/cases/{number}/settlement-plan", new { kind = "hospitalisation" });

        var byDefault = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/briefing");
        var forDoctor = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/briefing?contact={doctor}");

        Assert.Equal(daughter, byDefault.GetProperty("speakingTo").GetProperty("contactId").GetGuid());
        Assert.Equal("ru", byDefault.GetProperty("speakingTo").GetProperty("language").GetString());
        var ru = Steps(byDefault);
        Assert.StartsWith("Мы позвоним вам до ", ru["next-call"]);
        Assert.EndsWith("(Москва, UTC+3).", ru["next-call"]);
        Assert.Equal("План: лечение в больнице. Сейчас: Гарантийное письмо отправлено в больницу (наша команда).", ru["plan"]);
        Assert.All(ru, s => PersonTexts.AssertRussian(s.Value, s.Key));

        Assert.Equal("Dr. John Carter", forDoctor.GetProperty("speakingTo").GetProperty("name").GetString());
        var en = Steps(forDoctor);
        Assert.Contains("(New York time, UTC-", en["next-call"]); // +1 407: Florida, on New York time
        Assert.Equal("The plan: treatment in hospital. Now: Guarantee letter sent to the hospital (our team).", en["plan"]);
        Assert.All(en, s => PersonTexts.AssertEnglish(s.Value, s.Key));

        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/cases/{number}/briefing?contact={Guid.NewGuid()}")).StatusCode);
        // Intake is told the plan, to answer a later appeal with its current step.
        Assert.Equal(1, await cases.CountAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.SettlementPlanChanged,%' AND body->>'caseNumber' = @n AND body->>'currentStepTitle' = 'Guarantee letter sent to the hospital'",
            ("n", number)));
        await Uploading_a_document.AssertProblemNaming(await client.GetAsync($"/cases/{number}/briefing?contact=doctor"), HttpStatusCode.BadRequest, "contact");
    }

    [Fact]
    public async Task Has_a_documents_section_with_each_items_state_and_tells_the_caller_what_is_still_owed()
    {
        var (_, number, _, _, client) = await DaughterAndDoctor.OpenAsync(cases, "lang-documents", "Documents Ivanov");
        await Reviewing_a_document.UploadAsync(client, number, "passport");
        var policy = await Reviewing_a_document.UploadAsync(client, number, "policy");
        var romif = await Reviewing_a_document.UploadAsync(client, number, "romif");
        await client.PostAsJsonAsync($"/cases/{number}/documents/{policy}/review", new { decision = "accepted" });
        await client.PostAsJsonAsync($"/cases/{number}/documents/{romif}/review", new { decision = "rejected", reason = "нет подписи пациента" });

        var briefing = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/briefing");

        var items = briefing.GetProperty("documents").EnumerateArray().ToDictionary(i => i.GetProperty("type").GetString()!);
        Assert.Equal(["passport", "policy", "romif", "itemised-bill"], items.Keys);
        Assert.Equal("received", items["passport"].GetProperty("state").GetString());
        Assert.Equal("accepted", items["policy"].GetProperty("state").GetString());
        Assert.Equal("rejected", items["romif"].GetProperty("state").GetString());
        Assert.Equal("нет подписи пациента", items["romif"].GetProperty("reason").GetString());
        Assert.Equal("missing", items["itemised-bill"].GetProperty("state").GetString());
        Assert.Equal("Ещё нужны: форма ROMIF (присланный документ не принят: нет подписи пациента); детализированный счёт клиники.",
            Steps(briefing)["documents"]);
    }

    [Fact]
    public void Caller_steps_exist_in_both_languages_and_neither_has_words_of_the_other() =>
        PersonTexts.AssertComplete(CaseBriefings.CallerTexts);

    private static Dictionary<string, string> Steps(JsonElement briefing) =>
        briefing.GetProperty("nextStepsForCaller").EnumerateArray().ToDictionary(s => s.GetProperty("code").GetString()!, s => s.GetProperty("text").GetString()!);
}
