using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.OmsRepresentatives.Tests.Service;
using static Platform.OmsRepresentatives.Tests.Appeals.AppealSteps;

namespace Platform.OmsRepresentatives.Tests.Appeals;

/// <summary>The law's clock (59-FZ) on written appeals: 3 days to register, 30 to answer, one extension with a notice.</summary>
[Collection(OmsService.Name)]
public sealed class ClockTests(OmsFactory service)
{
    private static object Letter(string kind, DateTimeOffset receivedAt) => new
    {
        channel = "letter", kind, applicant = new { name = "Васильева Анна Ивановна", address = "г. Тверь, ул. Советская, д. 10, кв. 4" },
        summary = "Жалоба: в поликлинике предложили оплатить УЗИ, назначенное врачом", organisation = "Поликлиника № 2", receivedAt,
    };

    private static DateOnly Moscow(DateTimeOffset at) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow")).DateTime);

    /// <summary>The same instant as PostgreSQL keeps it (to the microsecond).</summary>
    private static void Near(DateTimeOffset expected, DateTimeOffset actual) =>
        Assert.True((expected - actual).Duration() < TimeSpan.FromMilliseconds(1), $"expected {expected:O}, got {actual:O}");

    [Fact]
    public async Task A_written_complaint_is_extended_once_with_a_notice_and_answered_on_time()
    {
        var tenant = OmsFactory.Tenant("extend");
        await service.ProfileAsync(tenant);
        var tier2 = service.Staff(tenant, "oms-tier2", "rights-1");
        var registeredAt = service.Now();
        var appeal = await RegisterAsync(tier2, Letter("paid-services", registeredAt.AddDays(-1)));
        var number = appeal.Number();
        var clock = appeal.GetProperty("clock");
        Near(registeredAt.AddDays(30), clock.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal("on-time", clock.Str("state"));
        Assert.Equal(30, clock.GetProperty("daysLeft").GetInt32());
        Assert.False(appeal.GetProperty("registeredLate").GetBoolean());

        var tooLong = await tier2.PostAsJsonAsync($"/appeals/{number}/extend", new { days = 31, reason = "Запрошены документы" });
        Assert.Equal(["days"], (await ProblemAsync(tooLong, HttpStatusCode.BadRequest)).Fields());
        var noReason = await tier2.PostAsJsonAsync($"/appeals/{number}/extend", new { days = 10 });
        Assert.Equal(["reason"], (await ProblemAsync(noReason, HttpStatusCode.BadRequest)).Fields());

        var extended = await PostAsync(tier2, $"/appeals/{number}/extend",
            new { days = 20, reason = "Запрошены медицинские документы в поликлинике № 2" });
        var newDate = registeredAt.AddDays(50);
        Near(newDate, extended.GetProperty("clock").GetProperty("extendedTo").GetDateTimeOffset());
        var notice = extended.GetProperty("extension").Str("notice");
        Assert.Contains("Васильева Анна Ивановна", notice);
        Assert.Contains(number, notice);
        Assert.Contains(Moscow(registeredAt).ToString("dd.MM.yyyy"), notice);
        Assert.Contains("продлён до " + Moscow(newDate).ToString("dd.MM.yyyy"), notice);
        Assert.Contains("Запрошены медицинские документы", notice);
        Assert.Contains(AppealSettings.SmoName, notice);
        Near(service.Now(), extended.GetProperty("extension").GetProperty("noticeSentAt").GetDateTimeOffset());
        Platform.Tests.PersonTexts.AssertRussian(notice.Replace(number, ""), "extension notice");

        var second = await tier2.PostAsJsonAsync($"/appeals/{number}/extend", new { days = 5, reason = "Ещё раз" });
        Assert.Contains("once", (await ProblemAsync(second, HttpStatusCode.Conflict)).Str("detail"));

        var pdf = await PdfTextAsync(tier2, $"/appeals/{number}/extension-notice.pdf");
        Assert.Contains("Уведомление о продлении срока", pdf);
        Assert.Contains("Васильева", pdf);
        Assert.Contains(Moscow(newDate).ToString("dd.MM.yyyy"), pdf);

        // Day 40: past the law's 30 days, but within the extension.
        service.Clock.Advance(TimeSpan.FromDays(40));
        var answered = await PostAsync(tier2, $"/appeals/{number}/answer",
            new { answer = "Стоимость УЗИ возвращена; исследование входит в программу ОМС.", outcome = "resolved", justified = true });
        Assert.Equal("answered-on-time", answered.GetProperty("clock").Str("state"));
        Assert.False(answered.GetProperty("answer").GetProperty("late").GetBoolean());
    }

    [Fact]
    public async Task The_deadline_cannot_be_extended_once_it_passed_and_a_late_answer_is_recorded_late()
    {
        var tenant = OmsFactory.Tenant("late");
        var tier2 = service.Staff(tenant, "oms-tier2");
        var number = (await RegisterAsync(tier2, Letter("paid-services", service.Now()))).Number();
        var phone = (await RegisterAsync(tier2, Phone("refused-care", "Гусев Олег", "Отказали в приёме"))).Number();
        var spoken = await tier2.PostAsJsonAsync($"/appeals/{phone}/extend", new { days = 5, reason = "Документы" });
        Assert.Contains("written", (await ProblemAsync(spoken, HttpStatusCode.Conflict)).Str("detail"));

        service.Clock.Advance(TimeSpan.FromDays(31));
        var refused = await tier2.PostAsJsonAsync($"/appeals/{number}/extend", new { days = 5, reason = "Документы" });
        Assert.Contains("passed", (await ProblemAsync(refused, HttpStatusCode.Conflict)).Str("detail"));
        var view = await GetAsync(tier2, $"/appeals/{number}");
        Assert.Equal("overdue", view.GetProperty("clock").Str("state"));

        var answered = await PostAsync(tier2, $"/appeals/{number}/answer", new { answer = "Ответ.", outcome = "not-resolved", justified = false });
        Assert.Equal("answered-late", answered.GetProperty("clock").Str("state"));
        Assert.True(answered.GetProperty("answer").GetProperty("late").GetBoolean());
    }

    [Fact]
    public async Task A_letter_registered_more_than_3_days_after_it_arrived_is_flagged_with_a_task()
    {
        var tenant = OmsFactory.Tenant("reglate");
        var tier1 = service.Staff(tenant, "oms-tier1");
        var received = service.Now().AddDays(-5);
        var appeal = await RegisterAsync(tier1, Letter("policy", received));
        Assert.True(appeal.GetProperty("registeredLate").GetBoolean());
        var task = Assert.Single(appeal.GetProperty("tasks").EnumerateArray());
        Assert.Equal("registration-late", task.Str("kind"));
        // Due when the registration was (3 days after the letter arrived), so the board shows it 2 days overdue.
        Assert.Equal(received.AddDays(3), task.GetProperty("dueAt").GetDateTimeOffset(), TimeSpan.FromSeconds(1));
        Assert.Contains("registration-late", appeal.HistoryKinds());
        var onTime = await RegisterAsync(tier1, Letter("policy", service.Now().AddDays(-2)));
        Assert.False(onTime.GetProperty("registeredLate").GetBoolean());
        Assert.Empty(onTime.GetProperty("tasks").EnumerateArray());
    }

    [Fact]
    public async Task The_scan_warns_when_the_deadline_nears_and_breaches_it_once_even_with_two_scans_at_once()
    {
        var tenant = OmsFactory.Tenant("scan");
        var tier1 = service.Staff(tenant, "oms-tier1");
        var supervisor = service.Staff(tenant, "oms-supervisor", "chief");
        var number = (await RegisterAsync(tier1, Letter("policy", service.Now()))).Number();
        var clock = service.AppealClock();
        async Task<long> Tasks(string kind) => await service.CountAsync(
            "SELECT count(*) FROM oms_tasks t JOIN appeals a ON a.id = t.appeal_id WHERE a.tenant_id = @t AND t.kind = @k AND t.status = 'open'",
            ("t", tenant), ("k", kind));

        await clock.RunOnceAsync();
        Assert.Equal(0, await Tasks("answer-due-soon"));

        service.Clock.Advance(TimeSpan.FromDays(26));
        await Task.WhenAll(clock.RunOnceAsync(), clock.RunOnceAsync());
        Assert.Equal(1, await Tasks("answer-due-soon"));
        Assert.Equal(0, await Tasks("answer-overdue"));
        var board = await GetAsync(supervisor, "/clock");
        Assert.Equal(1, board.GetProperty("counts").GetProperty("dueSoon").GetInt64());
        Assert.Equal(0, board.GetProperty("counts").GetProperty("overdue").GetInt64());
        Assert.Equal("due-soon", board.GetProperty("appeals")[0].GetProperty("clock").Str("state"));

        service.Clock.Advance(TimeSpan.FromDays(5));
        await Task.WhenAll(clock.RunOnceAsync(), clock.RunOnceAsync(), clock.RunOnceAsync());
        await clock.RunOnceAsync();
        Assert.Equal(1, await Tasks("answer-overdue"));
        Assert.Equal(1, await service.CountAsync(
            "SELECT count(*) FROM appeal_events WHERE tenant_id = @t AND kind = 'deadline-breached'", ("t", tenant)));
        board = await GetAsync(supervisor, "/clock");
        Assert.Equal(1, board.GetProperty("counts").GetProperty("overdue").GetInt64());
        var open = await GetAsync(supervisor, "/tasks?status=open");
        Assert.Equal(["answer-due-soon", "answer-overdue"], open.EnumerateArray().Select(t => t.Str("kind")).Order().ToArray());
        var overdueQueue = await GetAsync(tier1, "/appeals?overdue=true");
        Assert.Equal(number, Assert.Single(overdueQueue.GetProperty("items").EnumerateArray()).Str("number"));

        // A supervisor closes a task by hand; the answer closes the rest.
        var dueSoonId = open.EnumerateArray().Single(t => t.Str("kind") == "answer-due-soon").GetProperty("id").GetInt64();
        var done = await PostAsync(supervisor, $"/tasks/{dueSoonId}/done", new { });
        Assert.Equal("chief", done.Str("doneBy"));
        Assert.Equal(HttpStatusCode.NotFound, (await service.Staff(OmsFactory.Tenant("x"), "oms-supervisor").PostAsync($"/tasks/{dueSoonId}/done", null)).StatusCode);

        await PostAsync(tier1, $"/appeals/{number}/answer", new { answer = "Полис выдан.", outcome = "resolved" });
        await clock.RunOnceAsync();
        Assert.Equal(0, await Tasks("answer-overdue"));
        Assert.Empty((await GetAsync(supervisor, "/tasks")).EnumerateArray());
        Assert.Equal(0, (await GetAsync(supervisor, "/clock")).GetProperty("counts").GetProperty("overdue").GetInt64());
    }

    [Fact]
    public async Task An_extension_closes_the_warning_and_the_clock_warns_again_before_the_new_deadline()
    {
        var tenant = OmsFactory.Tenant("rewarn");
        var tier1 = service.Staff(tenant, "oms-tier1");
        var number = (await RegisterAsync(tier1, Letter("policy", service.Now()))).Number();
        var clock = service.AppealClock();
        async Task<JsonElement> DueSoon() =>
            (await GetAsync(tier1, $"/appeals/{number}")).GetProperty("tasks").EnumerateArray().Single(t => t.Str("kind") == "answer-due-soon");

        service.Clock.Advance(TimeSpan.FromDays(26));
        await clock.RunOnceAsync();
        Assert.Equal("open", (await DueSoon()).Str("status"));

        var extended = await PostAsync(tier1, $"/appeals/{number}/extend", new { days = 10, reason = "Запрошены сведения из поликлиники" });
        Assert.Equal("on-time", extended.GetProperty("clock").Str("state"));
        Assert.Equal("done", (await DueSoon()).Str("status"));
        await clock.RunOnceAsync();
        Assert.Equal("done", (await DueSoon()).Str("status"));

        service.Clock.Advance(TimeSpan.FromDays(10));
        await Task.WhenAll(clock.RunOnceAsync(), clock.RunOnceAsync());
        var again = await DueSoon();
        Assert.Equal("open", again.Str("status"));
        Near(extended.GetProperty("clock").GetProperty("extendedTo").GetDateTimeOffset(), again.GetProperty("dueAt").GetDateTimeOffset());
    }
}
