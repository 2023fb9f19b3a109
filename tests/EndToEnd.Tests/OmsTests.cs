using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Tests;
using UglyToad.PdfPig;

namespace Platform.EndToEnd.Tests;

/// <summary>Classes whose assertions bound a time: they run alone, after the classes that run side by side.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredAloneCollection
{
    public const string Name = "measured alone";
}

/// <summary>What the OMS tests share: an SMO (a tenant with its OMS profile and supervisor) and an appeal registered.</summary>
internal static class Smo
{
    public const string Name = "«Здоровье-Мед»";

    /// <returns>The tenant, its systems' client (an insurer API key) and its supervisor, once the SMO's profile is saved.</returns>
    /// <param name="smsSender">The sender name its reminder SMS carry: a test that counts what the SMS stand-in received
    /// gives its SMO one of its own, since every SMO here has the same name and the stand-in keeps every test's SMS.</param>
    public static async Task<(string Tenant, HttpClient System, HttpClient Supervisor)> NewAsync(PlatformFixture platform, string name,
        string smsSender = "ZDOROVIE")
    {
        var (tenant, system) = await platform.NewInsurerAsync(name);
        var supervisor = platform.StaffClient("supervisor-olga", "oms-supervisor", tenant);
        (await supervisor.PutAsJsonAsync("/api/oms/profile", new
        {
            name = Name, phone = "8 800 100-20-30", timeZone = "Europe/Moscow", address = "Москва, ул. Садовая, д. 1", smsSender,
        })).EnsureSuccessStatusCode();
        return (tenant, system, supervisor);
    }

    public static Task<JsonElement> RegisterAppealAsync(HttpClient client, object appeal) => CreateAsync(client, "/api/oms/appeals", appeal);

    /// <summary>Plans a reminder campaign as the SMO's supervisor does; the answer (campaign, per day).</summary>
    public static Task<JsonElement> PlanCampaignAsync(HttpClient supervisor, object campaign) =>
        CreateAsync(supervisor, "/api/oms/campaigns", campaign);

    private static async Task<JsonElement> CreateAsync(HttpClient client, string path, object request)
    {
        var response = await client.PostAsJsonAsync(path, request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>The SMO's date now, in its time zone (Moscow, as its profile says).</summary>
    public static DateOnly Today =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow")).DateTime);

    /// <summary>An appeal's number (OMS-{year}-{n}), as the API answers it.</summary>
    public static string Number(JsonElement appeal) => appeal.GetProperty("number").GetString()!;
}

/// <summary>
/// An SMO (a Russian OMS insurer) through the gateway: its systems load a register of a million insured, its supervisor
/// plans a reminder campaign over it, the first day's SMS go out through the SMS provider and its delivery receipts come
/// back through the gateway, and the regulator's informing report counts them. Its representatives work the hotline's
/// three cases of seed 002 at their tiers and a written complaint on the law's 30-day clock. The campaign's planning
/// has a bound in seconds (the OMS issue's 30 s over a million insured), so the class runs alone, after the others.
/// </summary>
[Collection(MeasuredAloneCollection.Name)]
public sealed class An_SMO_through_the_gateway(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private static DateOnly Today => Smo.Today;

    [Fact]
    public async Task Loads_a_register_of_a_million_plans_a_campaign_and_sends_and_reports_its_first_day()
    {
        const string Sender = "ZDRAVCAMP";
        var (tenant, system, supervisor) = await Smo.NewAsync(platform, "e2e-smo-campaign", Sender);
        const int Insured = 1_000_000, Batches = 4;

        // The register, as the SMO's systems send it: four files of 250,000 rows, each all or nothing.
        var loaded = 0L;
        for (var b = 0; b < Batches; b++)
        {
            var response = await system.PostAsync("/api/oms/register", new GeneratedRegister(b * (Insured / Batches), Insured / Batches));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
            loaded += JsonDocument.Parse(body).RootElement.GetProperty("created").GetInt64();
        }
        Assert.Equal(Insured, loaded);

        // A clinic's list of patients under dispensary observation.
        var list = new StringBuilder("enp;diagnosis;clinic_code;next_visit_on\n");
        for (var i = 0; i < 2_000; i++) list.Append($"{GeneratedRegister.Enp(i * 7)};I10;{GeneratedRegister.Clinic(i * 7)};{Today.AddDays(20):yyyy-MM-dd}\n");
        var dispensary = await system.PostAsync("/api/oms/register/dispensary", new StringContent(list.ToString(), Encoding.UTF8, "text/csv"));
        Assert.True(dispensary.IsSuccessStatusCode, await dispensary.Content.ReadAsStringAsync());

        // The campaign over the whole register: planned within 30 s, at most 300 SMS on the first day.
        var campaign = await Smo.PlanCampaignAsync(supervisor, new
        {
            name = "Профилактика " + Today.Year, year = Today.Year, kinds = new[] { "checkup", "dispanserization", "in-depth", "dispensary" },
            startsOn = Today, smsPerDay = 300, callsPerDay = 100, clinicPerDay = 40,
        });
        var summary = campaign.GetProperty("campaign");
        Assert.True(summary.GetProperty("planningMs").GetInt32() <= 30_000, $"planning took {summary.GetProperty("planningMs").GetInt32()} ms");
        Assert.True(summary.GetProperty("plannedCount").GetInt32() > 100_000, summary.ToString());
        var firstDay = campaign.GetProperty("perDay")[0];
        Assert.Equal(Today.ToString("yyyy-MM-dd"), firstDay.GetProperty("day").GetString());
        var smsToday = firstDay.GetProperty("sms").GetInt32();
        Assert.Equal(300, smsToday);
        var id = summary.GetProperty("id").GetInt64();

        // The first day's SMS go out and every one of them gets its receipt, through the gateway.
        JsonElement status = default;
        await Eventually.True(async () =>
            {
                status = await supervisor.GetFromJsonAsync<JsonElement>("/api/oms/sms/status");
                return status.GetProperty("delivered").GetInt32() + status.GetProperty("undelivered").GetInt32() == smsToday;
            },
            TimeSpan.FromSeconds(90), () => $"the first day's {smsToday} SMS are sent and their receipts arrive; now {status}");
        var delivered = status.GetProperty("delivered").GetInt32();
        var figures = await supervisor.GetFromJsonAsync<JsonElement>($"/api/oms/campaigns/{id}");
        Assert.Equal(delivered, figures.GetProperty("figures").EnumerateArray().Where(f => f.GetProperty("channel").GetString() == "sms")
            .Sum(f => f.GetProperty("delivered").GetInt32()));

        // What a person received: a reminder in Russian, signed by the SMO.
        using var standIn = new HttpClient { BaseAddress = platform.SmsUrl };
        var received = await standIn.GetFromJsonAsync<JsonElement>("/messages?limit=2000");
        // Another SMO's campaign (the console test's, due tomorrow) sends too once a test moves the platform's clock.
        var ours = received.EnumerateArray().Where(m => m.GetProperty("sender").GetString() == Sender).ToList();
        Assert.Equal(smsToday, ours.Count);
        Assert.All(ours, m => Assert.Contains(Smo.Name, m.GetProperty("text").GetString()));
        // The stand-in reports numbers ending in 99 as absent subscribers: exactly those are undelivered.
        Assert.Equal(ours.Count(m => m.GetProperty("to").GetString()!.EndsWith("99", StringComparison.Ordinal)), status.GetProperty("undelivered").GetInt32());
        Assert.All(ours, m => Assert.Matches("профосмотр|диспансеризац|диспансерный", m.GetProperty("text").GetString()));

        // Today's calls for the representatives, with what to say.
        var tier1 = platform.StaffClient("operator-irina", "oms-tier1", tenant);
        var calls = await tier1.GetFromJsonAsync<JsonElement>($"/api/oms/campaigns/{id}/calls?day={Today:yyyy-MM-dd}");
        Assert.True(calls.GetArrayLength() > 0);
        var call = calls[0];
        var outcome = await tier1.PostAsJsonAsync($"/api/oms/invitations/{call.GetProperty("invitationId").GetInt64()}/outcome",
            new { outcome = "reached", note = "Записана на диспансеризацию" });
        Assert.True(outcome.IsSuccessStatusCode, await outcome.Content.ReadAsStringAsync());

        // The regulator's report on informing: those informed today are the SMS delivered and the call that reached.
        var report = await supervisor.GetFromJsonAsync<JsonElement>($"/api/oms/reports/informing?from={Today:yyyy-MM-dd}&to={Today:yyyy-MM-dd}");
        var total = report.GetProperty("total");
        Assert.Equal(delivered + 1, total.GetProperty("informedInPeriod").GetInt64());
        Assert.True(total.GetProperty("due").GetInt64() > summary.GetProperty("plannedCount").GetInt32(), "everyone due counts, consenting or not");
        var xlsx = await supervisor.GetAsync($"/api/oms/reports/informing?from={Today:yyyy-MM-dd}&to={Today:yyyy-MM-dd}&format=xlsx");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        var pdf = await supervisor.GetByteArrayAsync($"/api/oms/reports/informing?from={Today:yyyy-MM-dd}&to={Today:yyyy-MM-dd}&format=pdf");
        using (var document = PdfDocument.Open(pdf))
            Assert.Contains("информировании", string.Concat(document.GetPages().Select(p => p.Text)));

        // Staffing from the register: a million insured need 25 tier-1, 29 tier-2 and 8 tier-3 representatives.
        var staffing = await supervisor.GetFromJsonAsync<JsonElement>("/api/oms/staffing");
        Assert.Equal(Insured, staffing.GetProperty("insured").GetInt64());
        Assert.Equal([25L, 29L, 8L], staffing.GetProperty("tiers").EnumerateArray().Select(t => t.GetProperty("needed").GetInt64()));

        // Nobody else sees any of it.
        var (_, _, stranger) = await Smo.NewAsync(platform, "e2e-smo-other");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/oms/campaigns/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/oms/insured/{GeneratedRegister.Enp(1)}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tier1.PostAsJsonAsync("/api/oms/campaigns", new { })).StatusCode);
    }

    [Fact]
    public async Task Works_the_hotlines_three_cases_at_their_tiers_and_answers_a_written_complaint_within_its_extended_term()
    {
        var (tenant, system, supervisor) = await Smo.NewAsync(platform, "e2e-smo-appeals");
        var tier1 = platform.StaffClient("operator-irina", "oms-tier1", tenant);
        var tier2 = platform.StaffClient("rights-pavel", "oms-tier2", tenant);
        var tier3 = platform.StaffClient("expert-dr-orlova", "oms-tier3", tenant);
        var now = DateTimeOffset.UtcNow;

        // 1. A man of 65, osteomyelitis, booked for next month: tier 2 calls the diagnostic centre's head; seen in two days.
        var first = await Smo.RegisterAppealAsync(tier1, new
        {
            channel = "phone", kind = "waiting-time", applicant = new { name = "Петров Иван Сергеевич", phone = "+79161112233" },
            summary = "65 лет, обострение посттравматического остеомиелита, сильные боли; в диагностическом центре записали только на начало следующего месяца",
            organisation = "Диагностический центр № 3", waitSeconds = 14,
        });
        Assert.Equal(2, first.GetProperty("tier").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await tier1.PostAsJsonAsync($"/api/oms/appeals/{Smo.Number(first)}/interventions", new { })).StatusCode);
        await OkAsync(await tier2.PostAsJsonAsync($"/api/oms/appeals/{Smo.Number(first)}/interventions", new
        {
            organisation = "Диагностический центр № 3", contactPerson = "Руководитель диагностического центра", contactedAt = DateTimeOffset.UtcNow,
            agreed = "Пациент перезаписан на приём через два дня", outcome = "resolved",
        }));
        var answered = await OkAsync(await tier2.PostAsJsonAsync($"/api/oms/appeals/{Smo.Number(first)}/answer", new
        {
            answer = "Согласован срочный приём: Вы перезаписаны и будете приняты врачом через два дня.", outcome = "resolved", justified = true,
        }));
        Assert.Equal("answered", answered.GetProperty("status").GetString());

        // 2. The son of a woman of 79 is asked to pay for a repeat histology: done free under OMS.
        var second = await Smo.RegisterAppealAsync(tier1, new
        {
            channel = "phone", kind = "paid-services", applicant = new { name = "Соколов Андрей Викторович", phone = "+79035550011" },
            summary = "Матери 79 лет, подозрение на онкологию; в повторном гистологическом исследовании по ОМС отказали, предложили оплатить",
            organisation = "Онкологический диспансер",
        });
        await OkAsync(await tier2.PostAsJsonAsync($"/api/oms/appeals/{Smo.Number(second)}/interventions", new
        {
            organisation = "Онкологический диспансер", contactPerson = "Заместитель главного врача по медицинской части", contactedAt = DateTimeOffset.UtcNow,
            agreed = "Консультация и гистологическое исследование — бесплатно, по программе ОМС", outcome = "resolved",
        }));
        await OkAsync(await tier2.PostAsJsonAsync($"/api/oms/appeals/{Smo.Number(second)}/answer", new
        {
            answer = "Консультация и гистологическое исследование проведены бесплатно в рамках программы ОМС.", outcome = "resolved", justified = true,
        }));

        // 3. A disabled woman of 60 is refused home sampling before an eye operation: the lab assistant comes home.
        var third = await Smo.RegisterAppealAsync(tier1, new
        {
            channel = "phone", kind = "refused-care",
            applicant = new { name = "Кузнецова Мария Петровна", phone = "+79265550022", address = "г. Москва, ул. Лесная, д. 5, кв. 12" },
            summary = "Инвалид, 60 лет, плановая глазная операция; не может выйти из дома, в заборе анализов на дому отказывают",
            organisation = "Городская поликлиника № 12",
        });
        await OkAsync(await tier2.PostAsJsonAsync($"/api/oms/appeals/{Smo.Number(third)}/interventions", new
        {
            organisation = "Городская поликлиника № 12", contactPerson = "Заведующая лабораторией", contactedAt = DateTimeOffset.UtcNow,
            agreed = "Лаборант придёт на дом для забора анализов", outcome = "resolved",
        }));
        await OkAsync(await tier2.PostAsJsonAsync($"/api/oms/appeals/{Smo.Number(third)}/answer", new
        {
            answer = "Забор анализов организован на дому: лаборант пришла к Вам.", outcome = "resolved", justified = true,
        }));

        // A written complaint about the quality of care: tier 3, an expertise, the term extended once with a notice, answered.
        var letter = await Smo.RegisterAppealAsync(tier1, new
        {
            channel = "letter", kind = "care-quality",
            applicant = new { name = "Смирнова Елена Николаевна", address = "г. Москва, ул. Южная, д. 3, кв. 7" },
            summary = "Жалоба на качество лечения пневмонии в стационаре: поздно назначены антибиотики",
            organisation = "Городская больница № 5", receivedAt = now.AddDays(-1),
        });
        Assert.Equal(3, letter.GetProperty("tier").GetInt32());
        var clock = letter.GetProperty("clock");
        Assert.Equal("on-time", clock.GetProperty("state").GetString());
        Assert.Equal(30, clock.GetProperty("daysLeft").GetInt32());
        await OkAsync(await tier3.PostAsJsonAsync($"/api/oms/appeals/{Smo.Number(letter)}/expertise", new
        {
            organisation = "Городская больница № 5", reason = "Жалоба на сроки назначения антибактериальной терапии",
            expert = "Орлова Т. В., врач-эксперт качества", dueOn = Today.AddDays(20),
        }));
        var extended = await OkAsync(await tier3.PostAsJsonAsync($"/api/oms/appeals/{Smo.Number(letter)}/extend",
            new { days = 20, reason = "проводится экспертиза качества медицинской помощи" }));
        Assert.NotNull(extended.GetProperty("clock").GetProperty("extendedTo").GetString());
        var again = await tier3.PostAsJsonAsync($"/api/oms/appeals/{Smo.Number(letter)}/extend", new { days = 5, reason = "ещё" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var notice = await tier3.GetByteArrayAsync($"/api/oms/appeals/{Smo.Number(letter)}/extension-notice.pdf");
        using (var document = PdfDocument.Open(notice))
        {
            var text = string.Concat(document.GetPages().Select(p => p.Text));
            Assert.Contains("Смирнова", text);
            Assert.Contains(Smo.Name, text);
        }
        var expertise = (await tier3.GetFromJsonAsync<JsonElement>($"/api/oms/appeals/{Smo.Number(letter)}")).GetProperty("expertises")[0];
        await OkAsync(await tier3.PostAsJsonAsync($"/api/oms/appeals/{Smo.Number(letter)}/expertise/{expertise.GetProperty("id").GetInt64()}/conclusion",
            new { findings = "Антибактериальная терапия назначена с опозданием на сутки", violations = true }));
        var closed = await OkAsync(await tier3.PostAsJsonAsync($"/api/oms/appeals/{Smo.Number(letter)}/answer", new
        {
            answer = "Экспертиза качества медицинской помощи подтвердила нарушение; к медицинской организации применены меры.",
            outcome = "resolved", justified = true,
        }));
        Assert.Equal("answered-on-time", closed.GetProperty("clock").GetProperty("state").GetString());

        // The regulator's report on protecting rights, and the figures.
        var report = await supervisor.GetFromJsonAsync<JsonElement>($"/api/oms/reports/rights?from={Today.AddDays(-2):yyyy-MM-dd}&to={Today:yyyy-MM-dd}");
        var all = report.GetProperty("total");
        Assert.Equal((4, 4, 4), (all.GetProperty("appeals").GetInt64(), all.GetProperty("complaints").GetInt64(), all.GetProperty("justified").GetInt64()));
        Assert.Equal(3, report.GetProperty("interventions").EnumerateArray().Sum(r => r.GetProperty("count").GetInt64()));
        Assert.Equal(1, report.GetProperty("expertises").GetProperty("withViolations").GetInt64());
        Assert.Equal(1, report.GetProperty("written").GetProperty("extended").GetInt64());
        var figures = await supervisor.GetFromJsonAsync<JsonElement>("/api/oms/figures");
        Assert.Equal(4, figures.GetProperty("perDay").EnumerateArray().Sum(d => d.GetProperty("appeals").GetInt64()));

        // Roles and tenants: an SMO's system key reads no appeals; another SMO does not find them.
        Assert.Equal(HttpStatusCode.Forbidden, (await system.GetAsync("/api/oms/appeals")).StatusCode);
        var (_, _, stranger) = await Smo.NewAsync(platform, "e2e-smo-other");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/oms/appeals/{Smo.Number(letter)}")).StatusCode);
    }

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}

/// <summary>
/// <paramref name="count"/> insured persons from number <paramref name="first"/>, written as CSV while the request is
/// sent: ages 0 to 95, one in ten with a disability, 60 % consenting to reminders (two thirds by SMS), 500 clinics,
/// numbers ending in 99 unreachable by SMS.
/// </summary>
internal sealed class GeneratedRegister : HttpContent
{
    private readonly int first, count;

    public GeneratedRegister(int first, int count)
    {
        (this.first, this.count) = (first, count);
        Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
    }

    public static string Enp(int i) => $"77{i:D14}";

    public static string Clinic(int i) => $"77{i % 500:D4}";

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        await writer.WriteAsync("enp;full_name;birth_date;sex;region;clinic_code;disability_group;in_depth;phone;reminder_channel\n");
        var year = DateTime.UtcNow.Year;
        for (var i = first; i < first + count; i++)
        {
            var born = new DateOnly(year - i % 96, 1 + i % 12, 1 + i % 28);
            var channel = (i % 10) switch { < 4 => "sms", < 6 => "call", _ => "" };
            await writer.WriteAsync($"{Enp(i)};Иванов{i % 1000} Пётр Ильич;{born:yyyy-MM-dd};{(i % 2 == 0 ? "m" : "f")};77;{Clinic(i)};" +
                                    $"{(i % 10 == 3 ? "2" : "")};{(i % 17 == 0 ? "true" : "false")};+7916{i % 10_000_000:D7};{channel}\n");
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
