using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.OmsRepresentatives.Tests.Service;
using static Platform.OmsRepresentatives.Tests.Appeals.AppealSteps;

namespace Platform.OmsRepresentatives.Tests.Appeals;

[Collection(OmsService.Name)]
public sealed class FiguresTests(OmsFactory service)
{
    private static JsonElement Group(JsonElement list, string group) => list.EnumerateArray().Single(g => g.Str("group") == group);

    [Fact]
    public async Task First_contact_resolution_waits_on_time_answers_and_escalations_come_from_the_appeals()
    {
        var tenant = OmsFactory.Tenant("fig");
        var tier1 = service.Staff(tenant, "oms-tier1");
        var tier2 = service.Staff(tenant, "oms-tier2");
        var supervisor = service.Staff(tenant, "oms-supervisor");

        // Phone: three answered at once (waits 10, 20, 40 s), one answered after a second call (wait 50 s).
        foreach (var wait in new[] { 10, 20, 40 })
            await RegisterAsync(tier1, new
            {
                channel = "phone", kind = "policy", applicant = new { name = "Застрахованный" }, summary = "Полис", waitSeconds = wait,
                resolveNow = new { answer = "Разъяснено" },
            });
        var recalled = (await RegisterAsync(tier1, Phone("programme", "Застрахованный", "Программа ОМС", wait: 50))).Number();
        await PostAsync(tier1, $"/appeals/{recalled}/contacts", new { channel = "phone", note = "Перезвонили" });
        await PostAsync(tier1, $"/appeals/{recalled}/answer", new { answer = "Разъяснено", outcome = "explained" });
        // Chat: answered in the same contact; one left open.
        var chat = (await RegisterAsync(tier1, new { channel = "chat", kind = "clinic-choice", applicant = new { name = "З" }, summary = "Смена поликлиники", waitSeconds = 5 })).Number();
        await PostAsync(tier1, $"/appeals/{chat}/answer", new { answer = "Разъяснено", outcome = "explained" });
        await RegisterAsync(tier1, new { channel = "chat", kind = "policy", applicant = new { name = "З" }, summary = "Открытый вопрос" });
        // Tier 2: a written complaint answered not justified; a phone complaint escalated to tier 3 and returned, answered justified.
        var letter = (await RegisterAsync(tier2, new
        {
            channel = "email", kind = "waiting-time", applicant = new { name = "З", email = "z@example.ru" }, summary = "Долго ждать МРТ",
        })).Number();
        await PostAsync(tier2, $"/appeals/{letter}/answer", new { answer = "Сроки соблюдены", outcome = "not-resolved", justified = false });
        var travelled = (await RegisterAsync(tier2, Phone("hospitalisation", "З", "Не госпитализируют", wait: 100))).Number();
        await PostAsync(tier2, $"/appeals/{travelled}/escalate", new { toTier = 3, reason = "Нужен врач-эксперт" });
        await PostAsync(service.Staff(tenant, "oms-tier3"), $"/appeals/{travelled}/return", new { toTier = 2, note = "Показания к госпитализации есть" });
        await PostAsync(tier2, $"/appeals/{travelled}/answer", new { answer = "Госпитализирован", outcome = "resolved", justified = true });

        var f = await GetAsync(supervisor, "/figures");
        Assert.Equal(8, f.GetProperty("perDay").EnumerateArray().Sum(d => d.GetProperty("appeals").GetInt64()));
        Assert.Equal(5, f.GetProperty("perDay").EnumerateArray().Where(d => d.Str("channel") == "phone").Sum(d => d.GetProperty("appeals").GetInt64()));

        var all = f.GetProperty("firstContact");
        Assert.Equal(7, all.GetProperty("answered").GetInt64());
        Assert.Equal(4, all.GetProperty("firstContact").GetInt64());
        var tier1Share = Group(f.GetProperty("firstContactByTier"), "1");
        Assert.Equal(5, tier1Share.GetProperty("answered").GetInt64());
        Assert.Equal(0.8, tier1Share.GetProperty("share").GetDouble());
        Assert.Equal(0.0, Group(f.GetProperty("firstContactByTier"), "2").GetProperty("share").GetDouble());
        Assert.Equal(0.6, Group(f.GetProperty("firstContactByChannel"), "phone").GetProperty("share").GetDouble());
        Assert.Equal(1.0, Group(f.GetProperty("firstContactByChannel"), "chat").GetProperty("share").GetDouble());

        var phone = f.GetProperty("waits").EnumerateArray().Single(w => w.Str("channel") == "phone");
        Assert.Equal(5, phone.GetProperty("measured").GetInt64());
        Assert.Equal(44.0, phone.GetProperty("meanSeconds").GetDouble());   // (10 + 20 + 40 + 50 + 100) / 5
        Assert.Equal(80.0, phone.GetProperty("p90Seconds").GetDouble());    // between 50 and 100, at 0.6
        Assert.Equal(0.4, phone.GetProperty("within30sShare").GetDouble());

        var written = f.GetProperty("written");
        Assert.Equal(1, written.GetProperty("answered").GetInt64());
        Assert.Equal(1.0, written.GetProperty("onTimeShare").GetDouble());
        var complaints = f.GetProperty("complaints");
        Assert.Equal(2, complaints.GetProperty("answered").GetInt64());
        Assert.Equal(0.5, complaints.GetProperty("justifiedShare").GetDouble());
        Assert.Equal(1, f.GetProperty("escalations").GetProperty("up").GetInt64());
        Assert.Equal(1, f.GetProperty("escalations").GetProperty("down").GetInt64());

        var backwards = await supervisor.GetAsync("/figures?from=2026-05-10&to=2026-05-01");
        Assert.Contains("from", (await ProblemAsync(backwards, HttpStatusCode.BadRequest)).Fields());
        Assert.Equal(HttpStatusCode.Forbidden, (await tier1.GetAsync("/figures")).StatusCode);
    }
}

[Collection(OmsService.Name)]
public sealed class AppealRulesTests(OmsFactory service)
{
    [Fact]
    public async Task Appeals_are_numbered_per_SMO_and_year_and_answer_with_their_location()
    {
        var tenant = OmsFactory.Tenant("num");
        var tier1 = service.Staff(tenant, "oms-tier1");
        var year = TimeZoneInfo.ConvertTime(service.Now(), TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow")).Year;
        var first = await tier1.PostAsJsonAsync("/appeals", Phone("policy", "Иванов", "Полис"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal($"/appeals/OMS-{year}-000001", first.Headers.Location?.ToString());
        var numbers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => RegisterAsync(tier1, Phone("policy", "Иванов", "Полис"))));
        Assert.Equal(Enumerable.Range(2, 5).Select(n => $"OMS-{year}-{n:000000}"), numbers.Select(a => a.Number()).Order());
        // Another SMO counts from 1 again.
        Assert.Equal($"OMS-{year}-000001", (await RegisterAsync(service.Staff(OmsFactory.Tenant("num2"), "oms-tier1"), Phone("policy", "П", "П"))).Number());
    }

    [Fact]
    public async Task A_representative_works_only_appeals_at_their_tier()
    {
        var tenant = OmsFactory.Tenant("roles");
        var tier1 = service.Staff(tenant, "oms-tier1");
        var tier2 = service.Staff(tenant, "oms-tier2");
        var complaint = (await RegisterAsync(tier1, Phone("refused-care", "Фролов", "Отказ в приёме"))).Number();
        var question = (await RegisterAsync(tier1, Phone("policy", "Фролов", "Полис"))).Number();

        var answer = await tier1.PostAsJsonAsync($"/appeals/{complaint}/answer", new { answer = "Ответ", outcome = "explained", justified = false });
        var problem = await ProblemAsync(answer, HttpStatusCode.Forbidden);
        Assert.Contains("tier 2", problem.Str("detail"));
        Assert.Equal(HttpStatusCode.Forbidden, (await tier1.PostAsJsonAsync($"/appeals/{complaint}/interventions", new
        {
            organisation = "Поликлиника", contactPerson = "Заведующий", contactedAt = service.Now(), agreed = "Приём", outcome = "resolved",
        })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tier2.PostAsJsonAsync($"/appeals/{question}/answer", new { answer = "Ответ", outcome = "explained" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tier2.PostAsJsonAsync($"/appeals/{complaint}/expertise", new { })).StatusCode);
        // Tier 1 may always pass up what it holds; a complaint asks whether it was justified.
        await PostAsync(tier1, $"/appeals/{question}/escalate", new { toTier = 2, reason = "Спорный случай" });
        var noJustified = await tier2.PostAsJsonAsync($"/appeals/{complaint}/answer", new { answer = "Ответ", outcome = "resolved" });
        Assert.Equal(["justified"], (await ProblemAsync(noJustified, HttpStatusCode.BadRequest)).Fields());
        var down = await tier2.PostAsJsonAsync($"/appeals/{question}/escalate", new { toTier = 2, reason = "Ещё раз" });
        Assert.Contains("toTier", (await ProblemAsync(down, HttpStatusCode.BadRequest)).Fields());
    }

    [Fact]
    public async Task Another_SMOs_appeal_is_not_found()
    {
        var tier1 = service.Staff(OmsFactory.Tenant("mine"), "oms-tier1");
        var stranger = service.ClientFor(OmsFactory.Tenant("theirs"));
        var number = (await RegisterAsync(tier1, Phone("refused-care", "Зайцев", "Отказ"))).Number();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/appeals/{number}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsJsonAsync($"/appeals/{number}/answer",
            new { answer = "Ответ", outcome = "resolved", justified = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsJsonAsync($"/appeals/{number}/contacts", new { channel = "phone", note = "?" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/appeals/{number}/answer.pdf")).StatusCode);
        Assert.Equal(0, (await GetAsync(stranger, "/appeals")).GetProperty("total").GetInt64());
        Assert.Equal(1, (await GetAsync(tier1, "/appeals?status=open&tier=2")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_the_fields_and_nothing_is_written()
    {
        var tenant = OmsFactory.Tenant("valid");
        var tier1 = service.Staff(tenant, "oms-tier1");
        var empty = await ProblemAsync(await tier1.PostAsJsonAsync("/appeals", new { }), HttpStatusCode.BadRequest);
        Assert.Equal(["applicant", "channel", "kind", "summary"], empty.Fields().Order().ToArray());

        var bad = await ProblemAsync(await tier1.PostAsJsonAsync("/appeals", new
        {
            channel = "letter", kind = "no-such-kind", enp = "12345", applicant = new { name = "И", email = "not-an-email" }, summary = "С",
            receivedAt = service.Now().AddHours(1), waitSeconds = 10,
        }), HttpStatusCode.BadRequest);
        Assert.Equal(["applicant.address", "applicant.email", "enp", "kind", "receivedAt", "waitSeconds"], bad.Fields().Order().ToArray());
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM appeals WHERE tenant_id = @t", ("t", tenant)));
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM appeal_numbers WHERE tenant_id = @t", ("t", tenant)));

        var number = (await RegisterAsync(tier1, Phone("policy", "И", "С"))).Number();
        var answer = await ProblemAsync(await tier1.PostAsJsonAsync($"/appeals/{number}/answer", new { outcome = "done" }), HttpStatusCode.BadRequest);
        Assert.Equal(["answer", "outcome"], answer.Fields().Order().ToArray());
        var kb = await ProblemAsync(await service.Staff(tenant, "oms-supervisor").PutAsJsonAsync("/knowledge/Bad Code!", new { kind = "x" }),
            HttpStatusCode.BadRequest);
        Assert.Equal(["answer", "code", "kind", "question"], kb.Fields().Order().ToArray());
        var queue = await ProblemAsync(await tier1.GetAsync("/appeals?tier=4&status=lost&page=2147483647"), HttpStatusCode.BadRequest);
        Assert.Equal(["page", "status", "tier"], queue.Fields().Order().ToArray());
        var complaint = (await RegisterAsync(tier1, Phone("refused-care", "И", "Отказ"))).Number();
        var before = await ProblemAsync(await service.Staff(tenant, "oms-tier2").PostAsJsonAsync($"/appeals/{complaint}/interventions", new
        {
            organisation = "Поликлиника", contactPerson = "Заведующий", contactedAt = service.Now().AddDays(-1), agreed = "Приём", outcome = "pending",
        }), HttpStatusCode.BadRequest);
        Assert.Equal(["contactedAt"], before.Fields());
        var noFields = await ProblemAsync(await service.Staff(tenant, "oms-tier2").PostAsJsonAsync($"/appeals/{complaint}/interventions", new { }),
            HttpStatusCode.BadRequest);
        Assert.Equal(["agreed", "contactedAt", "contactPerson", "organisation", "outcome"], noFields.Fields().Order().ToArray());
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM interventions WHERE tenant_id = @t", ("t", tenant)));
    }
}
