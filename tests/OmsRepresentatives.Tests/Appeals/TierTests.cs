using System.Net;
using System.Net.Http.Json;
using Platform.OmsRepresentatives.Tests.Service;
using static Platform.OmsRepresentatives.Tests.Appeals.AppealSteps;

namespace Platform.OmsRepresentatives.Tests.Appeals;

/// <summary>Tier 1 with the knowledge base, and an appeal travelling up to tier 3 and back.</summary>
[Collection(OmsService.Name)]
public sealed class TierTests(OmsFactory service)
{
    [Fact]
    public async Task Tier_1_finds_the_answer_in_the_knowledge_base_and_resolves_the_call_at_first_contact()
    {
        var tenant = OmsFactory.Tenant("kb");
        var supervisor = service.Staff(tenant, "oms-supervisor", "chief");
        var tier1 = service.Staff(tenant, "oms-tier1", "operator-1");

        await OkAsync(await supervisor.PutAsJsonAsync("/knowledge/policy-replace", new
        {
            kind = "policy", question = "Как заменить полис ОМС при смене фамилии?",
            answer = "Обратитесь в пункт выдачи полисов с паспортом и свидетельством о браке; выписка из реестра выдаётся в день обращения.",
            keywords = "замена полиса фамилия паспорт",
        }));
        await OkAsync(await supervisor.PutAsJsonAsync("/knowledge/out-of-region", new
        {
            kind = "out-of-region", question = "Где лечиться по полису ОМС в другом регионе?",
            answer = "По полису ОМС экстренная и неотложная помощь оказывается в любом регионе; плановая — по базовой программе.",
            keywords = "другой регион командировка отпуск полис",
        }));
        // Tier 1 reads the base but does not edit it.
        Assert.Equal(HttpStatusCode.Forbidden, (await tier1.PutAsJsonAsync("/knowledge/x1", new { kind = "policy", question = "?", answer = "!" })).StatusCode);

        // Russian stemming: "полисов" and "фамилии" find the article written with "полис" and "фамилия"; best match first.
        var found = await GetAsync(tier1, "/knowledge?q=" + Uri.EscapeDataString("замена полисов после смены фамилии"));
        Assert.Equal("policy-replace", found[0].Str("code"));
        Assert.Equal(1, found.GetArrayLength());
        var both = await GetAsync(tier1, "/knowledge?q=" + Uri.EscapeDataString("полис регион"));
        Assert.Equal("out-of-region", both[0].Str("code"));
        Assert.Empty((await GetAsync(service.Staff(OmsFactory.Tenant("other"), "oms-tier1"), "/knowledge?q=полис")).EnumerateArray());

        var appeal = await RegisterAsync(tier1, new
        {
            channel = "phone", kind = "policy", applicant = new { name = "Смирнова Ольга" }, summary = "Сменила фамилию, как заменить полис?",
            waitSeconds = 8, resolveNow = new { answer = found[0].Str("answer"), articleCode = "policy-replace" },
        });
        Assert.Equal("answered", appeal.Str("status"));
        Assert.True(appeal.GetProperty("answer").GetProperty("firstContact").GetBoolean());
        Assert.Equal("explained", appeal.GetProperty("answer").Str("outcome"));
        Assert.Equal(["registered", "knowledge-answer", "answered"], appeal.HistoryKinds());
        Assert.Contains("policy-replace", appeal.GetProperty("history")[1].Str("text"));

        var unknown = await tier1.PostAsJsonAsync("/appeals", new
        {
            channel = "chat", kind = "policy", applicant = new { name = "Смирнова Ольга" }, summary = "Вопрос",
            resolveNow = new { answer = "Ответ", articleCode = "no-such-article" },
        });
        Assert.Contains("resolveNow.articleCode", (await ProblemAsync(unknown, HttpStatusCode.BadRequest)).Fields());
        var complaint = await tier1.PostAsJsonAsync("/appeals", new
        {
            channel = "chat", kind = "refused-care", applicant = new { name = "Смирнова Ольга" }, summary = "Отказ", resolveNow = new { answer = "Ответ" },
        });
        Assert.Contains("resolveNow", (await ProblemAsync(complaint, HttpStatusCode.BadRequest)).Fields());
    }

    [Fact]
    public async Task An_appeal_escalated_to_tier_3_gets_an_expertise_and_comes_back_to_tier_1_with_the_experts_note()
    {
        var tenant = OmsFactory.Tenant("esc");
        var tier1 = service.Staff(tenant, "oms-tier1", "operator-1");
        var tier3 = service.Staff(tenant, "oms-tier3", "expert-1");

        var appeal = await RegisterAsync(tier1, Phone("other-question", "Орлов Пётр", "После операции в больнице осложнения, правильно ли лечили?"));
        var number = appeal.Number();
        Assert.Equal(1, appeal.GetProperty("tier").GetInt32());

        // Tier 3 does not work a tier-1 appeal until it reaches them.
        var early = await tier3.PostAsJsonAsync($"/appeals/{number}/answer", new { answer = "Ответ", outcome = "explained" });
        Assert.Contains("tier 1", (await ProblemAsync(early, HttpStatusCode.Forbidden)).Str("detail"));

        var noReason = await tier1.PostAsJsonAsync($"/appeals/{number}/escalate", new { toTier = 3 });
        Assert.Contains("reason", (await ProblemAsync(noReason, HttpStatusCode.BadRequest)).Fields());
        var escalated = await PostAsync(tier1, $"/appeals/{number}/escalate",
            new { toTier = 3, reason = "Жалоба на качество лечения: нужна экспертиза", kind = "care-quality" });
        Assert.Equal(3, escalated.GetProperty("tier").GetInt32());
        Assert.Equal("care-quality", escalated.Str("kind"));
        var up = escalated.GetProperty("history").EnumerateArray().Single(h => h.Str("kind") == "escalated");
        Assert.Equal(1, up.GetProperty("fromTier").GetInt32());
        Assert.Equal(3, up.GetProperty("toTier").GetInt32());
        Assert.Equal("operator-1", up.Str("actor"));

        // Tier 1 no longer holds it.
        var gone = await tier1.PostAsJsonAsync($"/appeals/{number}/answer", new { answer = "Ответ", outcome = "explained" });
        Assert.Contains("tier 3", (await ProblemAsync(gone, HttpStatusCode.Forbidden)).Str("detail"));

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(service.Now(), TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow")).DateTime);
        var ordered = await PostAsync(tier3, $"/appeals/{number}/expertise", new
        {
            organisation = "Городская больница № 1", reason = "Осложнения после операции", expert = "Иванова Е. А., хирург", dueOn = today.AddDays(1),
        });
        var expertise = ordered.GetProperty("expertises")[0];
        Assert.False(expertise.GetProperty("overdue").GetBoolean());

        // Past its due day without a conclusion, the clock makes a task; the conclusion closes it.
        service.Clock.Advance(TimeSpan.FromDays(2));
        await service.AppealClock().RunOnceAsync();
        var late = await GetAsync(tier3, $"/appeals/{number}");
        Assert.True(late.GetProperty("expertises")[0].GetProperty("overdue").GetBoolean());
        Assert.Contains(late.GetProperty("tasks").EnumerateArray(), t => t.Str("kind") == "expertise-overdue" && t.Str("status") == "open");

        var id = expertise.GetProperty("id").GetInt64();
        var concluded = await PostAsync(tier3, $"/appeals/{number}/expertise/{id}/conclusion",
            new { findings = "Лечение соответствовало клиническим рекомендациям; осложнение не связано с дефектами помощи", violations = false });
        Assert.False(concluded.GetProperty("expertises")[0].GetProperty("violations").GetBoolean());
        Assert.All(concluded.GetProperty("tasks").EnumerateArray(), t => Assert.Equal("done", t.Str("status")));
        var twice = await tier3.PostAsJsonAsync($"/appeals/{number}/expertise/{id}/conclusion", new { findings = "Ещё", violations = true });
        await ProblemAsync(twice, HttpStatusCode.Conflict);

        var noNote = await tier3.PostAsJsonAsync($"/appeals/{number}/return", new { toTier = 1 });
        Assert.Contains("note", (await ProblemAsync(noNote, HttpStatusCode.BadRequest)).Fields());
        var returned = await PostAsync(tier3, $"/appeals/{number}/return",
            new { toTier = 1, note = "Экспертиза: нарушений не выявлено; разъяснить заявителю результаты" });
        Assert.Equal(1, returned.GetProperty("tier").GetInt32());
        var down = returned.GetProperty("history").EnumerateArray().Single(h => h.Str("kind") == "de-escalated");
        Assert.Equal(3, down.GetProperty("fromTier").GetInt32());
        Assert.Equal(1, down.GetProperty("toTier").GetInt32());
        Assert.Contains("нарушений не выявлено", down.Str("text"));

        var answered = await PostAsync(tier1, $"/appeals/{number}/answer",
            new { answer = "Экспертиза качества нарушений не выявила.", outcome = "explained", justified = false });
        // Escalated: not resolved at first contact, whatever the outcome.
        Assert.False(answered.GetProperty("answer").GetProperty("firstContact").GetBoolean());
        Assert.False(answered.GetProperty("answer").GetProperty("justified").GetBoolean());
    }

    [Fact]
    public async Task A_further_contact_means_the_answer_is_no_longer_first_contact_resolution()
    {
        var tenant = OmsFactory.Tenant("contact");
        var tier1 = service.Staff(tenant, "oms-tier1");
        var number = (await RegisterAsync(tier1, Phone("clinic-choice", "Павлов Илья", "Как сменить поликлинику?"))).Number();
        var contacted = await PostAsync(tier1, $"/appeals/{number}/contacts", new { channel = "phone", note = "Перезвонил, уточнил адрес" });
        Assert.Equal(2, contacted.GetProperty("contacts").GetInt32());
        await OkAsync(await service.Staff(tenant, "oms-supervisor").PutAsJsonAsync("/knowledge/clinic-change", new
        {
            kind = "clinic-choice", question = "Как сменить поликлинику?", answer = "Подайте заявление в выбранную поликлинику.",
        }));
        var unknown = await tier1.PostAsJsonAsync($"/appeals/{number}/answer", new { answer = "Ответ", outcome = "explained", articleCode = "nope" });
        Assert.Equal(["articleCode"], (await ProblemAsync(unknown, HttpStatusCode.BadRequest)).Fields());
        var answered = await PostAsync(tier1, $"/appeals/{number}/answer",
            new { answer = "Подайте заявление в выбранную поликлинику.", outcome = "explained", articleCode = "clinic-change" });
        Assert.False(answered.GetProperty("answer").GetProperty("firstContact").GetBoolean());
        Assert.Equal(["registered", "contact", "knowledge-answer", "answered"], answered.HistoryKinds());
    }

    [Fact]
    public void The_settings_are_checked_when_the_service_starts()
    {
        var problems = new Platform.OmsRepresentatives.Appeals.AppealOptions { DueSoonDays = 0, ScanInterval = TimeSpan.Zero }.Problems().ToList();
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("DueSoonDays"));
        Assert.Contains(problems, p => p.StartsWith("ScanInterval"));
        Assert.Empty(new Platform.OmsRepresentatives.Appeals.AppealOptions().Problems());
    }
}
