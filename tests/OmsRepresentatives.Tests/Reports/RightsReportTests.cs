using System.Net;
using System.Text.Json;
using Platform.OmsRepresentatives.Appeals;
using Platform.OmsRepresentatives.Tests.Service;
using Microsoft.Extensions.Hosting;
using Platform.Tests;

namespace Platform.OmsRepresentatives.Tests.Reports;

/// <summary>
/// The rights report over appeals, interventions and expertises whose figures are known, with rows just outside the
/// period on both sides (in Moscow time) and another tenant's rows that must not count.
/// </summary>
[Collection(OmsService.Name)]
public sealed class RightsReportTests(OmsFactory service)
{
    private const string Period = "from=2026-04-01&to=2026-06-30";

    private async Task<string> SeedAsync()
    {
        var tenant = OmsFactory.Tenant("rights");
        var rows = new OmsRows(service, tenant);
        await rows.AppealAsync("policy", 1, "phone", "2026-04-02T07:00:00Z");
        await rows.AppealAsync("policy", 1, "phone", "2026-04-02T08:00:00Z", answeredAt: "2026-04-03T08:00:00Z", outcome: "resolved");
        var refused = await rows.AppealAsync("refused-care", 2, "letter", "2026-05-01T08:00:00Z", justified: true,
            answeredAt: "2026-05-20T08:00:00Z", outcome: "resolved");                                                    // due 31 May: on time
        var paid = await rows.AppealAsync("paid-services", 2, "email", "2026-04-10T08:00:00Z", justified: false,
            answeredAt: "2026-05-15T08:00:00Z", outcome: "explained");                                                   // due 10 May: late
        var quality = await rows.AppealAsync("care-quality", 3, "portal", "2026-06-30T20:59:00Z", justified: true);      // 30 June 23:59 in Moscow
        var waiting = await rows.AppealAsync("waiting-time", 2, "letter", "2026-03-01T08:00:00Z", justified: true,       // before the period,
            answeredAt: "2026-04-25T08:00:00Z", outcome: "partially-resolved", dueAt: "2026-03-31T08:00:00Z", extendedTo: "2026-04-30T08:00:00Z"); // answered in it, extended
        await rows.AppealAsync("clinic-choice", 1, "chat", "2026-06-30T21:00:00Z");                                       // 1 July 00:00 in Moscow
        await rows.AppealAsync("policy", 1, "letter", "2026-03-31T20:59:00Z");                                            // 31 March 23:59 in Moscow

        await rows.InterventionAsync(refused, "resolved", "2026-05-05T08:00:00Z");
        await rows.InterventionAsync(paid, "refused", "2026-04-20T08:00:00Z");
        await rows.InterventionAsync(waiting, "pending", "2026-03-15T08:00:00Z");
        await rows.ExpertiseAsync(quality, "2026-06-30T20:00:00Z");
        await rows.ExpertiseAsync(refused, "2026-03-20T08:00:00Z", "2026-05-10T08:00:00Z", violations: true);
        await rows.ExpertiseAsync(paid, "2026-04-25T08:00:00Z", "2026-06-01T08:00:00Z", violations: false);
        await rows.ExpertiseAsync(waiting, "2026-01-25T08:00:00Z", "2026-03-01T08:00:00Z", violations: true);

        var other = new OmsRows(service, OmsFactory.Tenant("rights-x"));
        var theirs = await other.AppealAsync("refused-care", 2, "letter", "2026-05-01T08:00:00Z", justified: true,
            answeredAt: "2026-07-20T08:00:00Z", outcome: "resolved");
        await other.AppealAsync("policy", 1, "phone", "2026-05-01T08:00:00Z", answeredAt: "2026-05-01T09:00:00Z", outcome: "not-resolved");
        await other.InterventionAsync(theirs, "resolved", "2026-05-05T08:00:00Z");
        await other.ExpertiseAsync(theirs, "2026-05-05T08:00:00Z", "2026-05-06T08:00:00Z", violations: true);
        return tenant;
    }

    private static Dictionary<string, long> Counts(JsonElement rows, string key = "code", string value = "count") =>
        rows.EnumerateArray().ToDictionary(r => r.GetProperty(key).GetString()!, r => r.GetProperty(value).GetInt64());

    [Fact]
    public async Task Counts_appeals_complaints_interventions_expertises_and_terms_of_the_period_and_tenant()
    {
        var tenant = await SeedAsync();
        using var client = service.Staff(tenant, "oms-supervisor");

        var response = await client.GetAsync($"/reports/rights?{Period}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var report = JsonDocument.Parse(body).RootElement;

        var byKind = report.GetProperty("byKind").EnumerateArray().ToList();
        Assert.Equal(AppealKinds.Codes, byKind.Select(k => k.GetProperty("kind").GetString()));
        (long, long, long) Kind(string code) => byKind.Single(k => k.GetProperty("kind").GetString() == code) is var k
            ? (k.GetProperty("appeals").GetInt64(), k.GetProperty("complaints").GetInt64(), k.GetProperty("justified").GetInt64()) : default;
        Assert.Equal((2, 0, 0), Kind("policy"));
        Assert.Equal((1, 1, 1), Kind("refused-care"));
        Assert.Equal((1, 1, 0), Kind("paid-services"));
        Assert.Equal((1, 1, 1), Kind("care-quality"));
        Assert.Equal((0, 0, 0), Kind("waiting-time"));
        Assert.Equal((0, 0, 0), Kind("clinic-choice"));
        var refused = byKind.Single(k => k.GetProperty("kind").GetString() == "refused-care");
        Assert.Equal("Отказ в бесплатной медицинской помощи", refused.GetProperty("name").GetString());
        Assert.Equal(2, refused.GetProperty("tier").GetInt32());
        var total = report.GetProperty("total");
        Assert.Equal((5, 3, 2), (total.GetProperty("appeals").GetInt64(), total.GetProperty("complaints").GetInt64(), total.GetProperty("justified").GetInt64()));

        Assert.Equal(new Dictionary<string, long> { ["phone"] = 2, ["chat"] = 0, ["letter"] = 1, ["email"] = 1, ["portal"] = 1 },
            Counts(report.GetProperty("byChannel")));
        Assert.Equal(new Dictionary<string, long> { ["resolved"] = 1, ["partially-resolved"] = 0, ["refused"] = 1, ["pending"] = 0 },
            Counts(report.GetProperty("interventions")));
        var expertises = report.GetProperty("expertises");
        Assert.Equal((2, 2, 1), (expertises.GetProperty("ordered").GetInt64(), expertises.GetProperty("concluded").GetInt64(),
            expertises.GetProperty("withViolations").GetInt64()));
        Assert.Equal(new Dictionary<string, long>
            {
                ["resolved"] = 2, ["partially-resolved"] = 1, ["not-resolved"] = 0, ["explained"] = 1, ["redirected"] = 0,
            }, Counts(report.GetProperty("answeredByOutcome")));
        var written = report.GetProperty("written");
        Assert.Equal((3, 2, 1, 1), (written.GetProperty("answered").GetInt64(), written.GetProperty("onTime").GetInt64(),
            written.GetProperty("late").GetInt64(), written.GetProperty("extended").GetInt64()));
    }

    [Fact]
    public async Task The_csv_workbook_and_pdf_carry_the_same_figures()
    {
        var tenant = await SeedAsync();
        using var client = service.Staff(tenant, "oms-supervisor");

        var csv = await client.GetAsync($"/reports/rights?{Period}&format=csv");
        Assert.Equal("rights-2026-04-01-2026-06-30.csv", csv.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var records = ReportFiles.Csv(await csv.Content.ReadAsByteArrayAsync());
        Assert.Equal("Отчёт о работе по защите прав застрахованных лиц", records[0][0]);
        Assert.Contains(records, r => r is ["Вид обращения", "Уровень", "Обращений", "из них жалоб", "из них жалоб обоснованных"]);
        Assert.Contains(records, r => r is ["Отказ в бесплатной медицинской помощи", "2", "1", "1", "1"]);
        Assert.Contains(records, r => r is ["Итого", "", "5", "3", "2"]);
        Assert.Contains(records, r => r is ["телефон", "2"]);
        Assert.Contains(records, r => r is ["Медицинская организация отказала", "1"]);
        Assert.Contains(records, r => r is ["из завершённых выявлены нарушения", "1"]);
        Assert.Contains(records, r => r is ["Даны разъяснения", "1"]);
        Assert.Contains(records, r => r is ["в том числе с нарушением срока", "1"]);
        Assert.Contains(records, r => r is ["срок рассмотрения продлевался (из всех, получивших ответ)", "1"]);

        var xlsx = await client.GetAsync($"/reports/rights?{Period}&format=xlsx");
        Assert.Equal("rights-2026-04-01-2026-06-30.xlsx", xlsx.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var (sheet, cells, _) = ReportFiles.Xlsx(await xlsx.Content.ReadAsByteArrayAsync());
        Assert.Equal("Защита прав", sheet);
        string RowOf(string text) => cells.Single(c => c.Key.StartsWith('A') && c.Value.Text == text).Key[1..];
        var caption = RowOf("1. Обращения, зарегистрированные за отчётный период, по видам");
        Assert.True(cells["A" + caption].Bold);
        var row = RowOf("Отказ в бесплатной медицинской помощи");
        Assert.Equal(("1", true), (cells["C" + row].Text, cells["C" + row].Number));
        var late = RowOf("в том числе с нарушением срока");
        Assert.Equal(("1", true), (cells["B" + late].Text, cells["B" + late].Number));
        var onTime = RowOf("в том числе в установленный срок");
        Assert.Equal("2", cells["B" + onTime].Text);

        var pdf = await client.GetAsync($"/reports/rights?{Period}&format=pdf");
        Assert.Equal("rights-2026-04-01-2026-06-30.pdf", pdf.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var text = ReportFiles.PdfText(await pdf.Content.ReadAsByteArrayAsync());
        Assert.Contains("Отчёт о работе по защите прав застрахованных лиц", text);
        Assert.Contains("Отчётный период 01.04.2026 – 30.06.2026", text);
        Assert.Contains("Отказ в бесплатной медицинской помощи 2 1 1 1", text);
        Assert.Contains("Итого 5 3 2", text);
        Assert.Contains("в том числе в установленный срок 2", text);
        Assert.Contains("срок рассмотрения продлевался (из всех, получивших ответ) 1", text);
    }

    [Theory]
    [InlineData("from=2026-01-01&to=2027-01-01", "to")]
    [InlineData("from=2026-05-01&to=2026-04-30", "to")]
    [InlineData("from=&to=2026-04-30", "from")]
    [InlineData("from=2026-13-01&to=2026-04-30", "from")]
    public async Task A_bad_period_is_refused_naming_the_field(string query, string field)
    {
        using var client = service.Staff(OmsFactory.Tenant("rights-bad"), "oms-supervisor");
        var problem = await ProblemAssert.IsProblemAsync(await client.GetAsync($"/reports/rights?{query}"), HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_period_of_a_whole_year_across_two_calendar_years_is_accepted()
    {
        using var client = service.Staff(OmsFactory.Tenant("rights-year"), "oms-supervisor");
        var response = await client.GetAsync("/reports/rights?from=2025-07-01&to=2026-06-30");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
