using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Intake.Appeals;
using Platform.Intake.Policies;
using Platform.Tests;

namespace Platform.Intake.Tests;

public sealed class Times_told_to_the_caller(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    private static object Appeal(string phone, string language, string? timeZone = null, string relation = "daughter") => new
    {
        channel = "phone",
        caller = new { name = "Maria Ivanova", relation, phone, language, timeZone },
        insured = new { policyNumber = "TRV-TZ", fullName = "Pyotr Ivanov", dateOfBirth = "1956-04-12" },
        location = new { country = "US", city = "Orlando" },
        description = "Отца госпитализировали в Орландо",
    };

    private static string Local(JsonElement body, string zone) =>
        TimeZoneInfo.ConvertTime(body.GetProperty("callback").GetProperty("dueAt").GetDateTimeOffset(), TimeZoneInfo.FindSystemTimeZoneById(zone))
            .ToString("HH:mm", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Are_in_Moscow_time_named_in_Russian_for_a_Russian_speaker_with_a_plus_7_phone()
    {
        var body = await (await intake.ClientFor("tz-ru").PostAsJsonAsync("/appeals", Appeal("+7 916 555-01-02", "ru"))).BodyAsync();

        var callback = body.GetProperty("nextSteps").EnumerateArray().Single(s => s.GetProperty("code").GetString() == "callback").GetProperty("text").GetString()!;
        Assert.Contains($"до {Local(body, "Europe/Moscow")}", callback);
        Assert.Contains("(Москва, UTC+3)", callback);
        Assert.DoesNotContain("(UTC)", callback);
        var zone = body.GetProperty("callback").GetProperty("timeZone");
        Assert.Equal("Europe/Moscow", zone.GetProperty("id").GetString());
        Assert.Equal("phone-country-capital", zone.GetProperty("source").GetString()); // +7 spans eleven zones: the capital's
        // The API itself keeps the UTC instant.
        Assert.Equal(TimeSpan.Zero, body.GetProperty("callback").GetProperty("dueAt").GetDateTimeOffset().Offset);
        Assert.Equal("daughter", body.GetProperty("caller").GetProperty("relation").GetString());
    }

    [Fact]
    public async Task Follow_the_callers_own_time_zone_over_the_phones()
    {
        var client = intake.ClientFor("tz-explicit");
        var ru = await (await client.PostAsJsonAsync("/appeals", Appeal("+7 916 555-01-02", "ru", "Asia/Vladivostok"))).BodyAsync();
        var en = await (await client.PostAsJsonAsync("/appeals", Appeal("+1 407 555 0100", "en", "Europe/Moscow", "son"))).BodyAsync();

        Assert.Contains($"до {Local(ru, "Asia/Vladivostok")}", ru.GetProperty("nextSteps")[0].GetProperty("text").GetString());
        Assert.Contains("(Владивосток, UTC+10)", ru.GetProperty("nextSteps")[0].GetProperty("text").GetString());
        Assert.Equal("explicit", ru.GetProperty("callback").GetProperty("timeZone").GetProperty("source").GetString());
        Assert.Contains($"by {Local(en, "Europe/Moscow")}", en.GetProperty("nextSteps")[0].GetProperty("text").GetString());
        Assert.Contains("(Moscow time, UTC+3)", en.GetProperty("nextSteps")[0].GetProperty("text").GetString());
        // Read back, the appeal keeps the caller's zone.
        var read = await client.GetFromJsonAsync<JsonElement>($"/appeals/{en.GetProperty("id").GetGuid()}");
        Assert.Equal("Europe/Moscow", read.GetProperty("caller").GetProperty("timeZone").GetString());
        Assert.Equal("Europe/Moscow", read.GetProperty("callback").GetProperty("timeZone").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Without_a_zone_or_an_international_phone_come_from_the_location_and_an_unknown_zone_is_a_400_naming_it()
    {
        var client = intake.ClientFor("tz-fallback");
        var local = await (await client.PostAsJsonAsync("/appeals", Appeal("8 916 555 01 02", "en"))).BodyAsync();
        var unknown = await client.PostAsJsonAsync("/appeals", Appeal("+7 916 555-01-02", "ru", "Mars/Olympus"));
        var relation = await client.PostAsJsonAsync("/appeals", Appeal("+7 916 555-01-02", "ru", relation: "cousin"));

        Assert.Equal("America/New_York", local.GetProperty("callback").GetProperty("timeZone").GetProperty("id").GetString());
        Assert.Equal("location", local.GetProperty("callback").GetProperty("timeZone").GetProperty("source").GetString());
        foreach (var (response, field) in new[] { (unknown, "caller.timeZone"), (relation, "caller.relation") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.BodyAsync()).GetProperty("errors").TryGetProperty(field, out _), field);
        }
    }
}

public sealed class The_first_answer(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task Names_every_document_of_the_checklist_the_policy_included()
    {
        var body = await (await intake.ClientFor("first-answer").PostAsJsonAsync("/appeals", Appeals.Valid("TRV-DOCS"))).BodyAsync();

        var documents = body.GetProperty("nextSteps").EnumerateArray().Single(s => s.GetProperty("code").GetString() == "send-documents")
            .GetProperty("text").GetString()!;
        foreach (var requirement in DocumentChecklistRules.For(CaseProfile.New("US")))
            Assert.Contains($"{DocumentTypes.Of(requirement.Type).Russian} ({requirement.WhyRussian})", documents);
        Assert.Contains("страховой полис", documents);
        Assert.Contains("паспорт", documents);
    }
}

public sealed class A_later_appeal_about_an_open_case(IntakeFactory intake) : IClassFixture<IntakeFactory>
{
    [Fact]
    public async Task States_the_plans_current_step_instead_of_promising_a_plan()
    {
        var client = intake.ClientFor("later-appeal");
        var first = await (await client.PostAsJsonAsync("/appeals", Appeals.Valid("TRV-PLAN"))).BodyAsync();
        var bus = intake.Services.GetRequiredService<IBus>();
        var caseId = Guid.NewGuid();
        // Cases reports the plan first and the case after: the order of the two must not matter.
        await bus.Publish(new SettlementPlanChanged(caseId, "later-appeal", "2026-000314", "hospitalisation", 1, 5,
            "Treatment in hospital, daily control calls", "clinic", DateTimeOffset.UtcNow));
        await bus.Publish(new CaseOpened(caseId, "later-appeal", "2026-000314", first.GetProperty("id").GetGuid(),
            new InsuredIdentity("TRV-PLAN", "Pyotr Ivanov", new DateOnly(1956, 4, 12)), DateTimeOffset.UtcNow));
        await Eventually.True(async () => await intake.CountAsync(
                "SELECT count(*) FROM open_cases o JOIN case_plans p USING (case_id) WHERE o.case_id = @id", ("id", caseId)) == 1,
            TimeSpan.FromSeconds(15), "Intake learns of the case and its plan");

        var later = await (await client.PostAsJsonAsync("/appeals", Appeals.Valid("TRV-PLAN"))).BodyAsync();

        Assert.True(later.GetProperty("attachedToOpenCase").GetBoolean());
        Assert.Contains("plan", later.Codes());
        Assert.DoesNotContain("settlement", later.Codes());
        Assert.DoesNotContain("send-documents", later.Codes());
        var plan = later.GetProperty("nextSteps").EnumerateArray().Single(s => s.GetProperty("code").GetString() == "plan").GetProperty("text").GetString();
        Assert.Equal("План по случаю 2026-000314: лечение в больнице. Сейчас: Лечение в больнице, ежедневные контрольные звонки (клиника).", plan);
        Assert.Equal("settlement", first.Codes()[^1]); // before any plan, the caller is told one is coming
    }

    [Fact]
    public void Says_what_the_policy_covers_and_excludes_for_what_was_asked()
    {
        var policy = new PolicySummary("TRV-R", "Comfort", new PolicyPeriod(new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31)), ["WORLD"],
            [new BenefitLimit("medical-expenses", 50_000m, "EUR"), new BenefitLimit("rehabilitation", 3_000m, "EUR")], null, [], ["dental"], null);
        var open = new OpenCase(Guid.NewGuid(), "2026-000001", new CasePlanState("hospitalisation", 4, 5, "Return home arranged", "assistance"));
        NextStepsContext Context(string language, string description) => new(language, PersonTimeZone.Resolve(null, "+7 916 555 01 02", "DE"), "DE",
            new TriageDecision("urgent", []), DateTimeOffset.UtcNow.AddHours(1), "+7 916 555 01 02", "covered", null, policy, description, open,
            DateTimeOffset.UtcNow);

        var ru = NextSteps.For(Context("ru", "Нужна ли будет реабилитация? И у него болит зуб"));
        var en = NextSteps.For(Context("en", "Is rehabilitation after discharge covered?"));

        Assert.Equal("По вашему вопросу (реабилитация): полис покрывает это до 3 000 EUR.",
            Regex.Replace(ru.Single(s => s.Code == "cover-rehabilitation").Text, @"\s", " ")); // ru-RU groups thousands with a narrow space
        Assert.Contains("исключает", ru.Single(s => s.Code == "cover-dental").Text);
        Assert.Equal("You asked about rehabilitation: the policy covers it up to 3,000 EUR.", en.Single(s => s.Code == "cover-rehabilitation").Text);
        Assert.Contains("Now: Return home arranged (our team).", en.Single(s => s.Code == "plan").Text);
    }
}

public sealed class Person_facing_texts
{
    [Fact]
    public void Of_the_next_steps_exist_in_both_languages_and_neither_has_words_of_the_other()
    {
        PersonTexts.AssertComplete(NextSteps.Texts);
    }

    [Fact]
    public void Of_documents_and_plans_exist_in_both_languages_and_neither_has_words_of_the_other()
    {
        foreach (var type in DocumentTypes.All)
        {
            PersonTexts.AssertRussian(type.Russian, type.Code);
            PersonTexts.AssertEnglish(type.English, type.Code);
        }
        foreach (var status in new[] { "open", "outpatient", "hospitalised", "awaiting-repatriation", "closed" })
            foreach (var r in DocumentChecklistRules.For(new CaseProfile(status, "US", true)))
            {
                PersonTexts.AssertRussian(r.WhyRussian, r.Type);
                PersonTexts.AssertEnglish(r.WhyEnglish, r.Type);
            }
        foreach (var (kind, steps) in PlanTexts.Templates)
        {
            PersonTexts.AssertRussian(PlanTexts.Kind(kind, "ru"), kind);
            PersonTexts.AssertEnglish(PlanTexts.Kind(kind, "en"), kind);
            foreach (var step in steps)
            {
                PersonTexts.AssertRussian(step.Russian, step.English);
                PersonTexts.AssertEnglish(step.English, step.English);
                PersonTexts.AssertRussian(PlanTexts.Owner(step.Owner, "ru"), step.Owner);
            }
        }
        foreach (var benefit in new[] { "medical-expenses", "repatriation", "rehabilitation", "dental", "evacuation" })
            PersonTexts.AssertRussian(PlanTexts.Benefit(benefit, "ru"), benefit);
    }

    [Fact]
    public void Of_times_name_the_zone_in_the_readers_language()
    {
        var at = new DateTimeOffset(2026, 3, 12, 15, 13, 0, TimeSpan.Zero);
        var moscow = new PersonTimeZone("Europe/Moscow", "explicit");

        Assert.Equal("18:13 (Москва, UTC+3)", PersonTime.Format(at, moscow, "ru", at));
        Assert.Equal("18:13 (Moscow time, UTC+3)", PersonTime.Format(at, moscow, "en", at));
        Assert.Equal("18:13 13 марта (Москва, UTC+3)", PersonTime.Format(at.AddDays(1), moscow, "ru", at));
        Assert.Equal("11:13 (New York time, UTC-4)", PersonTime.Format(at, new PersonTimeZone("America/New_York", "phone"), "en", at));
        Assert.Equal("15:13 (UTC)", PersonTime.Format(at, PersonTimeZone.Utc, "ru", at));
    }
}
