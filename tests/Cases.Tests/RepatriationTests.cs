using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts;
using Platform.Tests;

namespace Platform.Cases.Tests;

/// <summary>
/// The way home: Cases tells the repatriation service the medical details, and keeps what it reports about the
/// transport plan. The daughter (DaughterAndDoctor) calls in Russian from a +7 phone, so she is told times in Moscow.
/// </summary>
public sealed class Repatriation_of_a_case(CasesFactory cases) : IClassFixture<CasesFactory>
{
    // The flight leaves Istanbul at 07:00 UTC (10:00 in Moscow); Turkish Airlines must have the MEDIF three days before.
    private static readonly DateTimeOffset Departure = new(2030, 12, 5, 7, 0, 0, TimeSpan.Zero);
    // The deadline as the repatriation service sends it: with the departure's local offset (Istanbul, UTC+3).
    private static readonly RepatriationMedif Medif = new("TK", "Turkish Airlines", Departure.AddDays(-3).ToOffset(TimeSpan.FromHours(3)), Stretcher: true, Oxygen: false, Wheelchair: true);

    private static RepatriationPlanned Plan(string tenant, Guid caseId, string number, Guid planId, long version, RepatriationMedif? medif,
        string mode = "commercial-stretcher") =>
        new(planId, tenant, caseId, number, mode, "nurse", null,
            [
                new RepatriationLeg(1, "ground", "Клиника Аджибадем", "Аэропорт Стамбула", Departure.AddHours(-4), null, null, "assistance", "planned"),
                new RepatriationLeg(2, "flight", "Стамбул", "Москва", Departure, "TK", "414", "assistance", "planned"),
            ],
            medif, version, DateTimeOffset.UtcNow);

    [Fact]
    public async Task Recording_medical_details_puts_the_new_version_in_the_outbox_for_the_repatriation_service()
    {
        var (caseId, number) = await CaseOpening.OpenAsync(cases, DaughterAndDoctor.Appeal("rep-medical", "Medical Ivanov"));
        var doctor = cases.ClientFor("rep-medical", "doctor-ivanov", "staff", "doctor");

        await doctor.PostAsJsonAsync($"/cases/{number}/medical-details", new { diagnosis = new { code = "R07.4", text = "Chest pain" } });
        var second = await doctor.PostAsJsonAsync($"/cases/{number}/medical-details", new
        {
            diagnosis = new { code = "I21.4", text = "Non-ST elevation myocardial infarction" },
            procedures = new[] { "Coronary angiography", "Stent placement" },
            admissionOn = "2026-11-20", expectedDischargeOn = "2026-11-27", returnFlightOn = "2026-11-29", fitToFly = "stretcher",
        });

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, await cases.CountAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.MedicalDetailsRecorded,%' AND (body->>'caseId')::uuid = @id",
            ("id", caseId)));
        Assert.Equal(1, await cases.CountAsync("""
            SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.MedicalDetailsRecorded,%'
              AND (body->>'caseId')::uuid = @id AND body->>'caseNumber' = @n AND body->>'tenantId' = 'rep-medical' AND (body->>'version')::int = 2
              AND body->>'diagnosisCode' = 'I21.4' AND body->'procedures'->>1 = 'Stent placement'
              AND body->>'admissionOn' = '2026-11-20' AND body->>'expectedDischargeOn' = '2026-11-27'
              AND body->>'returnFlightOn' = '2026-11-29' AND body->>'fitToFly' = 'stretcher'
            """, ("id", caseId), ("n", number)));
    }

    [Fact]
    public async Task A_plan_makes_the_case_a_repatriation_sets_the_MEDIF_task_and_tells_the_daughter_the_legs_and_the_MEDIF_in_Moscow_time()
    {
        const string tenant = "rep-planned";
        var (caseId, number) = await CaseOpening.OpenAsync(cases, DaughterAndDoctor.Appeal(tenant, "Planned Ivanov"));
        var client = cases.ClientFor(tenant);

        await CaseOpening.PublishAndWaitAsync(cases, Plan(tenant, caseId, number, Guid.NewGuid(), 1, Medif));

        var plan = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/settlement-plan");
        Assert.Equal("repatriation", plan.GetProperty("kind").GetString());
        Assert.Equal("Fitness to fly and MEDIF form", plan.GetProperty("current").GetProperty("title").GetString());
        Assert.Equal(1, await cases.CountAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.SettlementPlanChanged,%' AND (body->>'caseId')::uuid = @id AND body->>'kind' = 'repatriation'",
            ("id", caseId)));
        var (title, due) = await MedifTaskAsync(caseId);
        Assert.Equal("Send the MEDIF to Turkish Airlines", title);
        Assert.Equal(Medif.DueAt, due);

        var briefing = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/briefing");
        var steps = Steps(briefing);
        Assert.Equal("06:00 5 декабря (Москва, UTC+3) — переезд Клиника Аджибадем → Аэропорт Стамбула с медсестрой; организует наша команда",
            steps["repatriation-leg-1"]);
        Assert.Equal("10:00 5 декабря (Москва, UTC+3) — перелёт TK 414 Стамбул → Москва на носилках, с медсестрой; организует наша команда",
            steps["repatriation-leg-2"]);
        var medif = steps["medif"];
        Assert.StartsWith("MEDIF (Medical Information Form) — медицинская анкета пассажира", medif);
        Assert.Contains("Авиакомпания Turkish Airlines по ней проверяет, что перелёт безопасен", medif);
        Assert.Contains("носилки на борту и кресло-каталку в аэропорту", medif);
        Assert.Contains("Авиакомпания должна получить анкету до 10:00 2 декабря (Москва, UTC+3). Её отправим мы.", medif);
        Assert.Contains("Medical assistance, круглосуточно: +1 555 0100.", medif);
        var picture = briefing.GetProperty("repatriation").EnumerateArray().Single();
        Assert.Equal("planned", picture.GetProperty("status").GetString());
        Assert.Equal(2, picture.GetProperty("legs").GetArrayLength());
        Assert.Contains(Kinds(await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/timeline")), k => k == "repatriation-planned");
    }

    [Fact]
    public async Task A_newer_version_moves_the_MEDIF_task_a_late_older_one_changes_nothing_and_one_without_a_MEDIF_cancels_it()
    {
        const string tenant = "rep-versions";
        var (caseId, number) = await CaseOpening.OpenAsync(cases, DaughterAndDoctor.Appeal(tenant, "Versions Ivanov"));
        var planId = Guid.NewGuid();
        var aeroflot = new RepatriationMedif("SU", "Aeroflot", Departure.AddDays(-2), true, false, false);

        await CaseOpening.PublishAndWaitAsync(cases, Plan(tenant, caseId, number, planId, 1, Medif));
        await CaseOpening.PublishAndWaitAsync(cases, Plan(tenant, caseId, number, planId, 3, aeroflot));
        var moved = await MedifTaskAsync(caseId);
        await CaseOpening.PublishAndWaitAsync(cases, Plan(tenant, caseId, number, planId, 2, null, mode: "air-ambulance"));
        var afterLate = await MedifTaskAsync(caseId);
        var briefing = await cases.ClientFor(tenant).GetFromJsonAsync<JsonElement>($"/cases/{number}/briefing");
        var kept = await CaseOpening.ScalarAsync(cases, "SELECT mode || ' v' || version FROM repatriation_plans WHERE plan_id = @p", ("p", planId));
        await CaseOpening.PublishAndWaitAsync(cases, Plan(tenant, caseId, number, planId, 4, null));

        Assert.Equal(("Send the MEDIF to Aeroflot", aeroflot.DueAt), moved);
        Assert.Equal(moved, afterLate);
        Assert.Equal("commercial-stretcher v3", kept);
        Assert.Contains("на носилках", Steps(briefing)["repatriation-leg-2"]);
        Assert.Contains("до 10:00 3 декабря (Москва, UTC+3)", Steps(briefing)["medif"]);
        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE case_id = @id AND kind = 'medif' AND status = 'open'", ("id", caseId)));
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE case_id = @id AND kind = 'medif' AND status = 'cancelled'", ("id", caseId)));
        Assert.Equal(1, await cases.CountAsync("SELECT count(*) FROM timeline_entries WHERE case_id = @id AND kind = 'task-rescheduled'", ("id", caseId)));
    }

    [Fact]
    public async Task Every_leg_booked_moves_the_repatriation_plan_past_the_booking_step_once_and_never_back()
    {
        const string tenant = "rep-booked";
        var (caseId, number) = await CaseOpening.OpenAsync(cases, DaughterAndDoctor.Appeal(tenant, "Booked Ivanov"));
        var client = cases.ClientFor(tenant, "coordinator-anna", "staff", "coordinator");
        var planId = Guid.NewGuid();
        await CaseOpening.PublishAndWaitAsync(cases, Plan(tenant, caseId, number, planId, 1, Medif));

        await CaseOpening.PublishAndWaitAsync(cases, new RepatriationLegBooked(planId, tenant, caseId, 1, "booked", "Istanbul Ambulance", false, DateTimeOffset.UtcNow));
        var oneBooked = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/settlement-plan");
        await CaseOpening.PublishAndWaitAsync(cases, new RepatriationLegBooked(planId, tenant, caseId, 2, "booked", "Turkish Airlines", true, DateTimeOffset.UtcNow));
        var allBooked = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/settlement-plan");
        await client.PostAsJsonAsync($"/cases/{number}/settlement-plan/advance", new { note = "Ambulances at both ends booked" });
        await CaseOpening.PublishAndWaitAsync(cases, new RepatriationLegBooked(planId, tenant, caseId, 2, "confirmed", "Turkish Airlines", true, DateTimeOffset.UtcNow));
        var confirmed = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/settlement-plan");

        Assert.Equal(0, oneBooked.GetProperty("currentStep").GetInt32());
        Assert.Equal(2, allBooked.GetProperty("currentStep").GetInt32());
        Assert.Equal(["done", "done", "current", "pending", "pending"], allBooked.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        Assert.Equal(3, confirmed.GetProperty("currentStep").GetInt32());
        Assert.Equal(3, await cases.CountAsync("SELECT count(*) FROM timeline_entries WHERE case_id = @id AND kind = 'repatriation-leg-booked'", ("id", caseId)));
    }

    [Fact]
    public async Task Booked_legs_leave_a_settlement_plan_of_another_kind_as_it_is()
    {
        const string tenant = "rep-other-kind";
        var (caseId, number) = await CaseOpening.OpenAsync(cases, DaughterAndDoctor.Appeal(tenant, "Other Ivanov"));
        var client = cases.ClientFor(tenant, "coordinator-anna", "staff", "coordinator");
        var planId = Guid.NewGuid();
        await CaseOpening.PublishAndWaitAsync(cases, Plan(tenant, caseId, number, planId, 1, null));
        await client.PutAsJsonAsync($"/cases/{number}/settlement-plan", new { kind = "hospitalisation" });

        await CaseOpening.PublishAndWaitAsync(cases, new RepatriationLegBooked(planId, tenant, caseId, 2, "booked", null, true, DateTimeOffset.UtcNow));

        var plan = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/settlement-plan");
        Assert.Equal("hospitalisation", plan.GetProperty("kind").GetString());
        Assert.Equal(0, plan.GetProperty("currentStep").GetInt32());
    }

    [Fact]
    public async Task Completion_does_every_step_closes_the_MEDIF_task_and_a_later_picture_reopens_nothing()
    {
        const string tenant = "rep-completed";
        var (caseId, number) = await CaseOpening.OpenAsync(cases, DaughterAndDoctor.Appeal(tenant, "Completed Ivanov"));
        var client = cases.ClientFor(tenant);
        var planId = Guid.NewGuid();
        await CaseOpening.PublishAndWaitAsync(cases, Plan(tenant, caseId, number, planId, 1, Medif));

        await CaseOpening.PublishAndWaitAsync(cases, new RepatriationCompleted(planId, tenant, caseId, DateTimeOffset.UtcNow));
        await CaseOpening.PublishAndWaitAsync(cases, Plan(tenant, caseId, number, planId, 2, Medif with { CarrierCode = "SU", CarrierName = "Aeroflot" }));

        var plan = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/settlement-plan");
        Assert.Equal("completed", plan.GetProperty("state").GetString());
        Assert.All(plan.GetProperty("steps").EnumerateArray(), s => Assert.Equal("done", s.GetProperty("status").GetString()));
        Assert.Equal("done", await CaseOpening.ScalarAsync(cases, "SELECT string_agg(status, ',') FROM case_tasks WHERE case_id = @id AND kind = 'medif'", ("id", caseId)));
        Assert.Equal("completed", await CaseOpening.ScalarAsync(cases, "SELECT status FROM repatriation_plans WHERE plan_id = @p", ("p", planId)));
        var steps = Steps(await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/briefing"));
        Assert.DoesNotContain(steps.Keys, k => k.StartsWith("repatriation-leg") || k == "medif");
        Assert.Equal("Все шаги плана (возвращение домой (репатриация)) выполнены.", steps["plan"]);
    }

    [Fact]
    public async Task Cancellation_cancels_the_MEDIF_task_with_the_reason_and_the_caller_is_no_longer_told_the_legs()
    {
        const string tenant = "rep-cancelled";
        var (caseId, number) = await CaseOpening.OpenAsync(cases, DaughterAndDoctor.Appeal(tenant, "Cancelled Ivanov"));
        var client = cases.ClientFor(tenant);
        var planId = Guid.NewGuid();
        await CaseOpening.PublishAndWaitAsync(cases, Plan(tenant, caseId, number, planId, 1, Medif));

        await CaseOpening.PublishAndWaitAsync(cases, new RepatriationCancelled(planId, tenant, caseId, "The patient stays for surgery", DateTimeOffset.UtcNow));

        Assert.Equal("cancelled|The transport plan was cancelled: The patient stays for surgery", await CaseOpening.ScalarAsync(cases,
            "SELECT string_agg(status || '|' || outcome, ',') FROM case_tasks WHERE case_id = @id AND kind = 'medif'", ("id", caseId)));
        var timeline = await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/timeline");
        Assert.Contains(timeline.EnumerateArray(), e => e.GetProperty("kind").GetString() == "repatriation-cancelled"
            && e.GetProperty("summary").GetString() == "Repatriation cancelled: The patient stays for surgery");
        var steps = Steps(await client.GetFromJsonAsync<JsonElement>($"/cases/{number}/briefing"));
        Assert.DoesNotContain(steps.Keys, k => k.StartsWith("repatriation-leg") || k == "medif");
    }

    [Fact]
    public async Task Ignores_a_plan_whose_tenant_is_not_the_cases()
    {
        var (caseId, number) = await CaseOpening.OpenAsync(cases, DaughterAndDoctor.Appeal("rep-owner", "Owner Ivanov"));

        await CaseOpening.PublishAndWaitAsync(cases, Plan("rep-intruder", caseId, number, Guid.NewGuid(), 1, Medif));

        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM repatriation_plans WHERE case_id = @id", ("id", caseId)));
        Assert.Equal(0, await cases.CountAsync("SELECT count(*) FROM case_tasks WHERE case_id = @id AND kind = 'medif'", ("id", caseId)));
        Assert.Equal("not-set", (await cases.ClientFor("rep-owner").GetFromJsonAsync<JsonElement>($"/cases/{number}/settlement-plan")).GetProperty("state").GetString());
    }

    [Fact]
    public void The_callers_words_about_the_way_home_exist_in_both_languages_and_neither_has_words_of_the_other()
    {
        // The Russian explanation spells out what MEDIF stands for, as the airline's form names it: the only English in it.
        const string expansion = "(Medical Information Form)";
        Assert.Contains(expansion, RepatriationTexts.Texts["ru"]["medif-what"]);
        PersonTexts.AssertComplete(RepatriationTexts.Texts.ToDictionary(l => l.Key,
            l => (IReadOnlyDictionary<string, string>)l.Value.ToDictionary(t => t.Key, t => l.Key == "ru" ? t.Value.Replace(expansion, "") : t.Value)));
    }

    private async Task<(string Title, DateTimeOffset Due)> MedifTaskAsync(Guid caseId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(cases.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            "SELECT title, due_at FROM case_tasks WHERE case_id = @id AND kind = 'medif' AND status = 'open'", connection);
        cmd.Parameters.AddWithValue("id", caseId);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), "the case has an open MEDIF task");
        var task = (r.GetString(0), r.GetFieldValue<DateTimeOffset>(1));
        Assert.False(await r.ReadAsync(), "the case has one open MEDIF task");
        return task;
    }

    private static Dictionary<string, string> Steps(JsonElement briefing) =>
        briefing.GetProperty("nextStepsForCaller").EnumerateArray().ToDictionary(s => s.GetProperty("code").GetString()!, s => s.GetProperty("text").GetString()!);

    private static IEnumerable<string?> Kinds(JsonElement timeline) => timeline.EnumerateArray().Select(e => e.GetProperty("kind").GetString());
}
