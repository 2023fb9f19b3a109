using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts;
using Platform.Tests;

namespace Platform.Cases.Tests;

/// <summary>Opens a case through RabbitMQ, as Intake would, and returns its number.</summary>
internal static class Opened
{
    public static async Task<string> CaseAsync(CasesFactory cases, AppealRegistered appeal)
    {
        await cases.PublishAsync(appeal, Guid.NewGuid());
        var client = cases.ClientFor(appeal.TenantId);
        string? number = null;
        await Eventually.True(async () =>
        {
            var list = await client.GetFromJsonAsync<JsonElement>($"/cases?appealId={appeal.AppealId}");
            number = list.GetProperty("total").GetInt64() == 1 ? list.GetProperty("items")[0].GetProperty("number").GetString() : null;
            return number is not null;
        }, TimeSpan.FromSeconds(15), "the case is opened");
        return number!;
    }
}

public sealed class The_case_file(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public async Task Moves_through_its_statuses_with_reasons_and_refuses_to_close_without_one()
    {
        var number = await Opened.CaseAsync(cases, CasesFactory.Appeal("file-status", "Status Person"));
        var coordinator = cases.ClientFor("file-status", "coordinator-anna", "staff", "coordinator");

        var hospitalised = await coordinator.PutAsJsonAsync($"/cases/{number}/status", new { status = "hospitalised", reason = "Admitted to AdventHealth" });
        var closeWithoutReason = await coordinator.PutAsJsonAsync($"/cases/{number}/status", new { status = "closed" });
        var unknown = await coordinator.PutAsJsonAsync($"/cases/{number}/status", new { status = "lost" });

        Assert.Equal(HttpStatusCode.OK, hospitalised.StatusCode);
        Assert.Equal("hospitalised", (await hospitalised.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.True((await closeWithoutReason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.True((await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("status", out _));
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.CaseStatusChanged,%' AND body->>'caseNumber' = @n", ("n", number)));
        Assert.Equal(HttpStatusCode.NotFound, (await cases.ClientFor("file-other").PutAsJsonAsync($"/cases/{number}/status", new { status = "outpatient" })).StatusCode);
    }

    [Fact]
    public async Task Records_the_coordinator_handover_and_counts_the_load()
    {
        var first = await Opened.CaseAsync(cases, CasesFactory.Appeal("file-load", "Load One"));
        var second = await Opened.CaseAsync(cases, CasesFactory.Appeal("file-load", "Load Two"));
        var supervisor = cases.ClientFor("file-load", "supervisor-olga", "staff", "supervisor");

        await supervisor.PutAsJsonAsync($"/cases/{first}/coordinator", new { coordinator = "anna" });
        await supervisor.PutAsJsonAsync($"/cases/{second}/coordinator", new { coordinator = "anna" });
        var handover = await supervisor.PutAsJsonAsync($"/cases/{second}/coordinator", new { coordinator = "boris", note = "Anna's shift ends" });

        Assert.Equal("boris", (await handover.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("coordinator").GetString());
        var load = await supervisor.GetFromJsonAsync<JsonElement>("/coordinators/load");
        Assert.Equal(1, load.EnumerateArray().Single(l => l.GetProperty("coordinator").GetString() == "anna").GetProperty("openCases").GetInt32());
        Assert.Equal(1, load.EnumerateArray().Single(l => l.GetProperty("coordinator").GetString() == "boris").GetProperty("openCases").GetInt32());
        var timeline = await supervisor.GetFromJsonAsync<JsonElement>($"/cases/{second}/timeline");
        Assert.Contains(timeline.EnumerateArray(), e => e.GetProperty("kind").GetString() == "handover" && e.GetProperty("summary").GetString()!.Contains("from anna to boris"));
    }

    [Fact]
    public async Task Keeps_every_caller_as_a_contact_with_what_they_may_be_told()
    {
        var appeal = CasesFactory.Appeal("file-contacts", "Contact Person");
        var number = await Opened.CaseAsync(cases, appeal);
        var client = cases.ClientFor("file-contacts");

        var saved = await client.PutAsJsonAsync($"/cases/{number}/contacts",
            new { name = "Maria Ivanova", relation = "relative", phone = "+7 916 555-01-02", language = "ru", preferredChannel = "messenger", mayReceiveMedicalDetails = true });
        var bad = await client.PutAsJsonAsync($"/cases/{number}/contacts", new { name = "X", relation = "neighbour" });

        var contacts = await saved.Content.ReadFromJsonAsync<JsonElement>();
        var maria = Assert.Single(contacts.EnumerateArray());
        Assert.True(maria.GetProperty("mayReceiveMedicalDetails").GetBoolean());
        Assert.Equal("messenger", maria.GetProperty("preferredChannel").GetString());
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("relation", out _));
        Assert.True(errors.TryGetProperty("phone", out _));
    }

    [Fact]
    public async Task Has_no_settlement_plan_until_one_is_set_which_is_a_state_not_a_404()
    {
        var number = await Opened.CaseAsync(cases, CasesFactory.Appeal("file-no-plan", "No Plan Person"));
        var client = cases.ClientFor("file-no-plan", "coordinator-anna", "staff", "coordinator");

        var none = await client.GetAsync($"/cases/{number}/settlement-plan");
        var advance = await client.PostAsJsonAsync($"/cases/{number}/settlement-plan/advance", new { note = "too early" });
        var missingCase = await client.GetAsync("/cases/2026-999999/settlement-plan");
        var foreign = await cases.ClientFor("file-no-plan-other").GetAsync($"/cases/{number}/settlement-plan");

        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        var plan = await none.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("not-set", plan.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, plan.GetProperty("kind").ValueKind);
        Assert.Equal(0, plan.GetProperty("steps").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, plan.GetProperty("current").ValueKind);
        Assert.Equal(HttpStatusCode.Conflict, advance.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missingCase.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);

        var set = await (await client.PutAsJsonAsync($"/cases/{number}/settlement-plan", new { kind = "transport" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("in-progress", set.GetProperty("state").GetString());
        Assert.Equal("transport", set.GetProperty("kind").GetString());
        for (var i = 0; i < set.GetProperty("steps").GetArrayLength(); i++)
            await client.PostAsJsonAsync($"/cases/{number}/settlement-plan/advance", new { });
        Assert.Equal("completed", (await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/settlement-plan")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Has_a_settlement_plan_whose_current_step_advances()
    {
        var number = await Opened.CaseAsync(cases, CasesFactory.Appeal("file-plan", "Plan Person"));
        var client = cases.ClientFor("file-plan", "coordinator-anna", "staff", "coordinator");

        var plan = await (await client.PutAsJsonAsync($"/cases/{number}/settlement-plan", new { kind = "hospitalisation" })).Content.ReadFromJsonAsync<JsonElement>();
        var advanced = await (await client.PostAsJsonAsync($"/cases/{number}/settlement-plan/advance", new { note = "GOP sent" })).Content.ReadFromJsonAsync<JsonElement>();
        var bad = await client.PutAsJsonAsync($"/cases/{number}/settlement-plan", new { kind = "teleport", steps = new[] { new { title = "", owner = "nobody" } } });

        Assert.Equal(0, plan.GetProperty("currentStep").GetInt32());
        Assert.Equal(1, advanced.GetProperty("currentStep").GetInt32());
        Assert.Equal("done", advanced.GetProperty("steps")[0].GetProperty("status").GetString());
        Assert.Equal("current", advanced.GetProperty("steps")[1].GetProperty("status").GetString());
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("kind", out _));
        Assert.True(errors.TryGetProperty("steps[0].title", out _));
        Assert.True(errors.TryGetProperty("steps[0].owner", out _));
    }

    [Fact]
    public async Task Keeps_every_version_of_the_medical_details_and_warns_about_the_return_flight()
    {
        var number = await Opened.CaseAsync(cases, CasesFactory.Appeal("file-medical", "Medical Person"));
        var doctor = cases.ClientFor("file-medical", "doctor-ivanov", "staff", "doctor");

        await doctor.PostAsJsonAsync($"/cases/{number}/medical-details", new { diagnosis = new { code = "R07.4", text = "Chest pain" }, admissionOn = "2026-11-20" });
        var second = await (await doctor.PostAsJsonAsync($"/cases/{number}/medical-details", new
        {
            diagnosis = new { code = "I21.4", text = "Non-ST elevation myocardial infarction" },
            procedures = new[] { "Coronary angiography", "Stent placement" },
            admissionOn = "2026-11-20", expectedDischargeOn = "2026-11-27", returnFlightOn = "2026-11-25",
            fitToFly = "with-escort", rehabilitationNeeded = true,
        })).Content.ReadFromJsonAsync<JsonElement>();
        var bad = await doctor.PostAsJsonAsync($"/cases/{number}/medical-details", new { diagnosis = new { code = "heart" }, fitToFly = "maybe" });

        Assert.Equal(2, second.GetProperty("history").GetArrayLength());
        Assert.Equal("I21.4", second.GetProperty("current").GetProperty("diagnosis").GetProperty("code").GetString());
        Assert.Contains(second.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("return-flight-before-discharge"));
        Assert.Contains(second.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("medif-required"));
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM case_tasks t JOIN cases c ON c.id = t.case_id WHERE c.number = @n AND c.tenant_id = 'file-medical' AND t.kind = 'return-flight'", ("n", number)));
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("diagnosis.code", out _));
        Assert.True(errors.TryGetProperty("fitToFly", out _));
    }
}

public sealed class A_handover(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public async Task Gives_the_open_callbacks_and_control_calls_to_the_new_coordinator()
    {
        var number = await Opened.CaseAsync(cases, CasesFactory.Appeal("handover-tasks", "Handover Person"));
        var supervisor = cases.ClientFor("handover-tasks", "supervisor-olga", "staff", "supervisor");
        async Task<JsonElement[]> Tasks() => (await supervisor.GetFromJsonAsync<JsonElement>($"/cases/{number}/tasks")).EnumerateArray().ToArray();
        async Task<Guid> Create(string kind, string? owner)
        {
            var created = await supervisor.PostAsJsonAsync($"/cases/{number}/tasks",
                new { kind, title = $"{kind} by hand", dueAt = DateTimeOffset.UtcNow.AddHours(2), owner });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }
        string? OwnerOf(JsonElement[] tasks, Guid id) => tasks.Single(t => t.GetProperty("id").GetGuid() == id).GetProperty("owner").GetString();

        // The callback promised at intake has nobody yet; the first coordinator gets it.
        var promised = (await Tasks()).Single(t => t.GetProperty("kind").GetString() == "callback").GetProperty("id").GetGuid();
        Assert.Null(OwnerOf(await Tasks(), promised));
        await supervisor.PutAsJsonAsync($"/cases/{number}/coordinator", new { coordinator = "anna" });
        Assert.Equal("anna", OwnerOf(await Tasks(), promised));

        var controlCall = await Create("control-call", owner: null);   // the case's coordinator's
        var chase = await Create("document-chase", owner: "carol");    // given to someone on purpose
        var kept = await Create("callback", owner: null);
        Assert.Equal("anna", OwnerOf(await Tasks(), controlCall));
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsJsonAsync($"/tasks/{kept}/complete", new { note = "Called", result = "reached" })).StatusCode);

        var handover = await supervisor.PutAsJsonAsync($"/cases/{number}/coordinator", new { coordinator = "boris", note = "Anna's shift ends" });
        Assert.Equal(HttpStatusCode.OK, handover.StatusCode);

        var tasks = await Tasks();
        Assert.Equal("boris", OwnerOf(tasks, promised));
        Assert.Equal("boris", OwnerOf(tasks, controlCall));
        Assert.Equal("carol", OwnerOf(tasks, chase));
        Assert.Equal("anna", OwnerOf(tasks, kept)); // done: it stays with who did it
        var timeline = (await supervisor.GetFromJsonAsync<JsonElement>($"/cases/{number}/timeline")).EnumerateArray().ToArray();
        Assert.Equal("handover", timeline[^2].GetProperty("kind").GetString());
        var reassigned = timeline[^1];
        Assert.Equal("tasks-reassigned", reassigned.GetProperty("kind").GetString());
        Assert.Equal(new[] { promised, controlCall }.Order(),
            reassigned.GetProperty("data").GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("taskId").GetGuid()).Order());
        Assert.All(reassigned.GetProperty("data").GetProperty("tasks").EnumerateArray(), t => Assert.Equal("anna", t.GetProperty("from").GetString()));
    }
}

public sealed class The_briefing(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public async Task Answers_the_callers_questions_and_is_rebuilt_after_every_change()
    {
        var number = await Opened.CaseAsync(cases, CasesFactory.Appeal("briefing", "Briefing Person"));
        var client = cases.ClientFor("briefing", "coordinator-anna", "staff", "coordinator");

        var first = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/briefing");
        var cached = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/briefing");
        await client.PutAsJsonAsync($"/cases/{number}/settlement-plan", new { kind = "hospitalisation" });
        var beforeRehabilitation = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/briefing");
        await client.PostAsJsonAsync($"/cases/{number}/medical-details", new
        {
            diagnosis = new { code = "I21.4", text = "Myocardial infarction" }, expectedDischargeOn = "2026-12-05", rehabilitationNeeded = true,
        });
        var after = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/briefing");
        // Rehabilitation's cover is told once the doctor says it will be needed (or the caller asks), not before.
        Assert.DoesNotContain(beforeRehabilitation.GetProperty("nextStepsForCaller").EnumerateArray(), s => s.GetProperty("code").GetString() == "rehabilitation");

        Assert.Equal(first.GetProperty("generatedAt").GetString(), cached.GetProperty("generatedAt").GetString()); // served from the cache
        Assert.True(after.GetProperty("version").GetInt64() > first.GetProperty("version").GetInt64());
        Assert.Equal("hospitalisation", after.GetProperty("plan").GetProperty("kind").GetString());
        Assert.Equal("I21.4", after.GetProperty("medical").GetProperty("diagnosis").GetProperty("code").GetString());
        Assert.Single(after.GetProperty("promises").EnumerateArray(), p => p.GetProperty("kind").GetString() == "callback");
        Assert.Equal(50_000m, after.GetProperty("policy").GetProperty("limits")[0].GetProperty("amount").GetDecimal());
        var codes = after.GetProperty("nextStepsForCaller").EnumerateArray().Select(s => s.GetProperty("code").GetString()).ToList();
        Assert.Contains("romif", codes);             // the case is in the USA
        Assert.Contains("policy-extension", codes);  // discharge after the policy's end (2026-11-30)
        Assert.Contains("rehabilitation", codes);
        Assert.Contains(after.GetProperty("lastContacts").EnumerateArray(), c => c.GetProperty("kind").GetString() == "appeal");
        Assert.Equal(HttpStatusCode.NotFound, (await cases.ClientFor("briefing-other").GetAsync($"/cases/{number}/briefing")).StatusCode);
    }
}

public sealed class Numbers_within_a_case(CasesFactory cases) : IClassFixture<CasesFactory>
{
    [Fact]
    public async Task Count_each_case_from_one_without_the_gaps_of_other_tenants_activity()
    {
        var mine = await Opened.CaseAsync(cases, CasesFactory.Appeal("numbering-a", "Numbering Alpha"));
        var theirs = await Opened.CaseAsync(cases, CasesFactory.Appeal("numbering-b", "Numbering Beta"));
        var a = cases.ClientFor("numbering-a");
        var b = cases.ClientFor("numbering-b");

        // Interleaved: every change to one tenant's case is followed by one to the other's.
        for (var i = 0; i < 3; i++)
            foreach (var (client, number) in new[] { (a, mine), (b, theirs) })
                Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/cases/{number}/medical-details",
                    new { diagnosis = new { code = "J18.9", text = $"Pneumonia, note {i}" }, fitToFly = "unknown" })).StatusCode);
        // And concurrently on one case: the numbers are still 1, 2, 3 ... with none taken twice.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(async i => Assert.Equal(HttpStatusCode.OK, (await a.PostAsJsonAsync(
            $"/cases/{mine}/medical-details", new { diagnosis = new { code = "J18.9", text = $"Concurrent note {i}" } })).StatusCode)));

        foreach (var (client, number, versions) in new[] { (a, mine, 9), (b, theirs, 3) })
        {
            var medical = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/medical-details");
            Assert.Equal(Enumerable.Range(1, versions).Reverse(),
                medical.GetProperty("history").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
            Assert.Equal(versions, medical.GetProperty("current").GetProperty("version").GetInt32());

            var timeline = (await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/timeline")).EnumerateArray().ToArray();
            Assert.Equal(Enumerable.Range(1, timeline.Length), timeline.Select(e => e.GetProperty("id").GetInt32()));
            // The entry of each version carries that version's number too.
            Assert.Equal(Enumerable.Range(1, versions), timeline.Where(e => e.GetProperty("kind").GetString() == "medical-details")
                .Select(e => e.GetProperty("data").GetProperty("version").GetInt32()).Order());
        }
    }
}
