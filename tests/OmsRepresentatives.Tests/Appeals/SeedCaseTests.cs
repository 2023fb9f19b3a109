using System.Net;
using System.Net.Http.Json;
using Platform.OmsRepresentatives.Tests.Service;
using static Platform.OmsRepresentatives.Tests.Appeals.AppealSteps;

namespace Platform.OmsRepresentatives.Tests.Appeals;

/// <summary>The hotline's three cases of seed 002, worked end to end: tier 1 takes the call, tier 2 intervenes and answers.</summary>
[Collection(OmsService.Name)]
public sealed class SeedCaseTests(OmsFactory service)
{
    [Fact]
    public async Task A_man_of_65_with_osteomyelitis_booked_next_month_is_seen_in_two_days_after_tier_2_calls_the_centres_head()
    {
        var tenant = OmsFactory.Tenant("seed1");
        var tier1 = service.Staff(tenant, "oms-tier1", "operator-1");
        var tier2 = service.Staff(tenant, "oms-tier2", "rights-1");

        var appeal = await RegisterAsync(tier1, new
        {
            channel = "phone", kind = "waiting-time", enp = "7700000000000065",
            applicant = new { name = "Петров Иван Сергеевич", phone = "+79161112233" },
            summary = "65 лет, обострение посттравматического остеомиелита, сильные боли; в диагностическом центре записали на приём только на начало следующего месяца",
            organisation = "Диагностический центр № 3", waitSeconds = 12,
        });
        var number = appeal.Number();
        Assert.Matches(@"^OMS-\d{4}-000001$", number);
        Assert.Equal(2, appeal.GetProperty("tier").GetInt32());
        Assert.Equal("not-applicable", appeal.GetProperty("clock").Str("state"));

        // Tier 1 holds no rights-protection work: the intervention is tier 2's.
        var refused = await tier1.PostAsJsonAsync($"/appeals/{number}/interventions", new { });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        service.Clock.Advance(TimeSpan.FromMinutes(20));
        var contacted = service.Now().AddMinutes(-5);
        var worked = await PostAsync(tier2, $"/appeals/{number}/interventions", new
        {
            organisation = "Диагностический центр № 3", contactPerson = "Руководитель диагностического центра",
            contactedAt = contacted, agreed = "Срочный приём: пациент перезаписан на приём через два дня", outcome = "pending",
        });
        var intervention = worked.GetProperty("interventions")[0];
        Assert.Equal("pending", intervention.Str("outcome"));

        // A complaint is not resolved while the centre has only promised.
        var early = await tier2.PostAsJsonAsync($"/appeals/{number}/answer",
            new { answer = "Вы записаны на приём через два дня.", outcome = "resolved", justified = true });
        var conflict = await ProblemAsync(early, HttpStatusCode.Conflict);
        Assert.Contains("Руководитель диагностического центра", conflict.Str("detail"));

        var id = intervention.GetProperty("id").GetInt64();
        var updated = await OkAsync(await tier2.PutAsJsonAsync($"/appeals/{number}/interventions/{id}",
            new { outcome = "resolved", agreed = "Пациент посетил врача через два дня, получил лечение" }));
        Assert.Equal("resolved", updated.GetProperty("interventions")[0].Str("outcome"));

        var answered = await PostAsync(tier2, $"/appeals/{number}/answer", new
        {
            answer = "По Вашему обращению согласован срочный приём: Вы перезаписаны и приняты врачом через два дня.",
            outcome = "resolved", justified = true,
        });
        Assert.Equal("answered", answered.Str("status"));
        Assert.True(answered.GetProperty("answer").GetProperty("justified").GetBoolean());
        Assert.True(answered.GetProperty("answer").GetProperty("firstContact").GetBoolean());
        Assert.Equal(["registered", "intervention", "intervention-updated", "answered"], answered.HistoryKinds());

        var again = await tier2.PostAsJsonAsync($"/appeals/{number}/answer", new { answer = "Ещё раз", outcome = "resolved", justified = true });
        await ProblemAsync(again, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_son_of_a_woman_of_79_refused_a_free_repeat_histology_gets_it_done_free_under_OMS()
    {
        var tenant = OmsFactory.Tenant("seed2");
        var tier1 = service.Staff(tenant, "oms-tier1", "operator-1");
        var tier2 = service.Staff(tenant, "oms-tier2", "rights-1");

        var appeal = await RegisterAsync(tier1, new
        {
            channel = "phone", kind = "paid-services",
            applicant = new { name = "Соколов Андрей Викторович (сын застрахованной, 79 лет)", phone = "+79035550011" },
            summary = "У матери подозрение на онкологическое заболевание; направлена на консультацию, где в повторном гистологическом " +
                      "исследовании по ОМС отказали и предложили оплатить",
            organisation = "Онкологический диспансер",
        });
        var number = appeal.Number();
        await PostAsync(tier2, $"/appeals/{number}/interventions", new
        {
            organisation = "Онкологический диспансер", contactPerson = "Заместитель главного врача по медицинской части",
            contactedAt = service.Now(), agreed = "Консультация и повторное гистологическое исследование проводятся бесплатно по программе ОМС",
            outcome = "resolved",
        });
        var answered = await PostAsync(tier2, $"/appeals/{number}/answer", new
        {
            answer = "Консультация и гистологическое исследование проведены бесплатно в рамках программы ОМС.",
            outcome = "resolved", justified = true,
        });
        Assert.True(answered.GetProperty("answer").GetProperty("justified").GetBoolean());
        Assert.Equal(1, await service.CountAsync(
            "SELECT count(*) FROM appeals WHERE tenant_id = @t AND number = @n AND justified AND outcome = 'resolved' AND status = 'answered'",
            ("t", tenant), ("n", number)));
    }

    [Fact]
    public async Task A_disabled_woman_of_60_refused_home_sampling_gets_the_lab_assistant_at_home()
    {
        var tenant = OmsFactory.Tenant("seed3");
        await service.ProfileAsync(tenant);
        var tier1 = service.Staff(tenant, "oms-tier1", "operator-1");
        var tier2 = service.Staff(tenant, "oms-tier2", "rights-1");

        var appeal = await RegisterAsync(tier1, new
        {
            channel = "phone", kind = "refused-care",
            applicant = new { name = "Кузнецова Мария Петровна", phone = "+79265550022", address = "г. Москва, ул. Лесная, д. 5, кв. 12" },
            summary = "Инвалид, 60 лет, нуждается в плановой глазной операции, не может выйти из дома; в заборе анализов на дому отказывают",
            organisation = "Городская поликлиника № 12",
        });
        var number = appeal.Number();
        await PostAsync(tier2, $"/appeals/{number}/interventions", new
        {
            organisation = "Городская поликлиника № 12", contactPerson = "Заведующая клинико-диагностической лабораторией",
            contactedAt = service.Now(), agreed = "Лаборант придёт на дом для забора анализов", outcome = "resolved",
        });
        var answered = await PostAsync(tier2, $"/appeals/{number}/answer", new
        {
            answer = "Медицинская организация организовала забор анализов на дому: лаборант пришла к Вам домой.",
            outcome = "resolved", justified = true,
        });
        Assert.Equal("answered", answered.Str("status"));
        Assert.Equal("Заведующая клинико-диагностической лабораторией", answered.GetProperty("interventions")[0].Str("contactPerson"));

        var letter = await PdfTextAsync(tier2, $"/appeals/{number}/answer.pdf");
        Assert.Contains("Ответ на обращение", letter);
        Assert.Contains("Кузнецова", letter);
        Assert.Contains("лаборант", letter);
        Assert.Contains("обоснованной", letter);
        Assert.Contains("Здоровье", letter);
    }
}
