using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.OmsRepresentatives.Tests.Service;
using Microsoft.Extensions.Hosting;
using Platform.Tests;

namespace Platform.OmsRepresentatives.Tests.Reports;

/// <summary>
/// The informing report over a register whose figures are known: six persons due (by age, disability, the in-depth
/// entitlement, a dispanserization already attended, the clinics' lists), invitations delivered, reached, attended,
/// undelivered, unreachable, before the year, before the period and on both sides of its edges in Moscow time; and
/// another tenant's register and invitations that must not count.
/// </summary>
[Collection(OmsService.Name)]
public sealed class InformingReportTests(OmsFactory service)
{
    private const string Period = "from=2026-04-01&to=2026-06-30";

    // Kind, due, informed in the period, since the year's start, share, attended.
    private static readonly (string Name, long Due, long Period, long Year, decimal? Share, long Attended)[] Expected =
    [
        ("Профилактический медицинский осмотр", 2, 1, 2, 100.0m, 0),
        ("Диспансеризация (первый этап)", 2, 1, 1, 50.0m, 0),
        ("Углублённая диспансеризация", 1, 1, 1, 100.0m, 1),
        ("Диспансерное наблюдение", 3, 1, 2, 66.7m, 0),
        ("Итого (лиц без повторного счёта)", 6, 4, 5, 83.3m, 1),
    ];

    private async Task<string> SeedAsync()
    {
        var tenant = OmsFactory.Tenant("inform");
        // The SMO's name as its profile gives it (here its tenant id, so each test knows what to find).
        (await service.Staff(tenant, "oms-supervisor").PutAsJsonAsync("/profile", new { name = tenant, phone = "8 800 100-00-00", timeZone = "Europe/Moscow" }))
            .EnsureSuccessStatusCode();
        var rows = new OmsRows(service, tenant);
        // Ages reached in 2026: 36 → dispanserization (18 + 3k); 35 → check-up; 34 → check-up, and in-depth; 76 with the
        // dispanserization attended in 2026 → nothing; a child → nothing; 41 with a disability → dispanserization.
        await rows.InsuredAsync("0000000000000001", "1990-05-01");
        await rows.InsuredAsync("0000000000000002", "1991-05-01");
        await rows.InsuredAsync("0000000000000003", "1992-01-01", inDepth: true);
        await rows.InsuredAsync("0000000000000004", "1950-03-03", lastDispanserization: "2026-02-01");
        await rows.InsuredAsync("0000000000000005", "2015-07-07");
        await rows.InsuredAsync("0000000000000006", "1985-10-10", disabilityGroup: 2);
        // The clinics' lists: person 1 twice (two diagnoses), 4, 7 (not on the register) in 2026; 5 only in 2027.
        await rows.DispensaryAsync("0000000000000001", "I10", "2026-09-01");
        await rows.DispensaryAsync("0000000000000001", "E11.9", "2026-10-01");
        await rows.DispensaryAsync("0000000000000004", "I25.1", "2026-03-01");
        await rows.DispensaryAsync("0000000000000007", "J44.9", "2026-05-05");
        await rows.DispensaryAsync("0000000000000005", "E10.9", "2027-01-10");

        await rows.InvitationAsync("0000000000000002", "checkup", "sms", "delivered", "2026-04-10T09:00:00Z");
        await rows.InvitationAsync("0000000000000002", "checkup", "sms", "delivered", "2026-05-10T09:00:00Z");          // the same person again
        await rows.InvitationAsync("0000000000000003", "checkup", "call", outcome: "reached", outcomeAt: "2026-02-15T08:00:00Z"); // before the period
        await rows.InvitationAsync("0000000000000003", "in-depth", "call", outcome: "attended", outcomeAt: "2026-06-20T08:00:00Z");
        await rows.InvitationAsync("0000000000000001", "dispanserization", "sms", "undelivered");
        await rows.InvitationAsync("0000000000000001", "dispanserization", "call", outcome: "unreachable", outcomeAt: "2026-05-01T08:00:00Z");
        await rows.InvitationAsync("0000000000000001", "dispanserization", "sms", "delivered", "2026-06-30T21:30:00Z");  // 1 July 00:30 in Moscow
        await rows.InvitationAsync("0000000000000006", "dispanserization", "sms", "delivered", "2026-03-31T21:30:00Z");  // 1 April 00:30 in Moscow
        await rows.InvitationAsync("0000000000000004", "dispensary", "call", outcome: "reached", outcomeAt: "2026-06-30T20:00:00Z"); // 30 June 23:00
        await rows.InvitationAsync("0000000000000007", "dispensary", "sms", "delivered", "2026-01-15T09:00:00Z");        // since the year's start only
        await rows.InvitationAsync("0000000000000007", "dispensary", "sms", "delivered", "2025-12-20T09:00:00Z");        // the year before
        await rows.InvitationAsync("0000000000000005", "checkup", "sms", "sent");                                         // sent, never confirmed

        var other = new OmsRows(service, OmsFactory.Tenant("inform-x"));
        await other.InsuredAsync("0000000000000002", "1991-05-01");
        await other.InsuredAsync("0000000000000008", "1991-05-01");
        await other.DispensaryAsync("0000000000000009", "I10", "2026-05-05");
        await other.InvitationAsync("0000000000000002", "checkup", "sms", "delivered", "2026-04-11T09:00:00Z");
        await other.InvitationAsync("0000000000000008", "checkup", "call", outcome: "attended", outcomeAt: "2026-04-11T09:00:00Z");
        return tenant;
    }

    [Fact]
    public async Task Counts_the_due_the_informed_and_the_attended_per_kind_and_in_total()
    {
        var tenant = await SeedAsync();
        using var client = service.Staff(tenant, "oms-supervisor");

        var response = await client.GetAsync($"/reports/informing?{Period}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var report = JsonDocument.Parse(body).RootElement;

        Assert.Equal(2026, report.GetProperty("year").GetInt32());
        Assert.Equal("2026-04-01", report.GetProperty("from").GetString());
        Assert.Equal("Europe/Moscow", report.GetProperty("timeZone").GetString());
        Assert.Equal(tenant, report.GetProperty("smo").GetString());
        var rows = report.GetProperty("rows").EnumerateArray().Append(report.GetProperty("total")).ToList();
        Assert.Equal(["checkup", "dispanserization", "in-depth", "dispensary", "total"], rows.Select(r => r.GetProperty("kind").GetString()));
        Assert.Equal(Expected, rows.Select(r => (r.GetProperty("name").GetString()!, r.GetProperty("due").GetInt64(),
            r.GetProperty("informedInPeriod").GetInt64(), r.GetProperty("informedSinceYearStart").GetInt64(),
            (decimal?)r.GetProperty("informedSharePercent").GetDecimal(), r.GetProperty("attended").GetInt64())));
    }

    [Fact]
    public async Task The_csv_reads_back_with_its_bom_semicolons_and_russian_headings()
    {
        var tenant = await SeedAsync();
        using var client = service.Staff(tenant, "oms-supervisor");

        var response = await client.GetAsync($"/reports/informing?{Period}&format=csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("informing-2026-04-01-2026-06-30.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var records = ReportFiles.Csv(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("Отчёт об информировании застрахованных лиц о прохождении профилактических мероприятий", records[0][0]);
        Assert.Contains(records, r => r is ["Страховая медицинская организация", var smo] && smo == tenant);
        Assert.Contains(records, r => r is ["Отчётный период", "01.04.2026 – 30.06.2026"]);
        var header = records.FindIndex(r => r[0] == "Профилактическое мероприятие");
        Assert.Equal(["Профилактическое мероприятие", "Подлежат в 2026 году, чел.", "Информированы за отчётный период, чел.",
            "Информированы с начала года, чел.", "Доля информированных с начала года, % от подлежащих",
            "Прошли мероприятие за отчётный период, чел."], records[header]);
        Assert.Equal(
        [
            ["Профилактический медицинский осмотр", "2", "1", "2", "100,0", "0"],
            ["Диспансеризация (первый этап)", "2", "1", "1", "50,0", "0"],
            ["Углублённая диспансеризация", "1", "1", "1", "100,0", "1"],
            ["Диспансерное наблюдение", "3", "1", "2", "66,7", "0"],
            ["Итого (лиц без повторного счёта)", "6", "4", "5", "83,3", "1"],
        ], records[(header + 1)..(header + 6)]);
        Assert.Equal(header + 6, records.Count);
    }

    [Fact]
    public async Task The_workbook_has_a_title_bold_headings_numbers_as_numbers_and_widths()
    {
        var tenant = await SeedAsync();
        using var client = service.Staff(tenant, "oms-supervisor");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/reports/informing?{Period}");
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("informing-2026-04-01-2026-06-30.xlsx", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var (sheet, cells, widths) = ReportFiles.Xlsx(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("Информирование", sheet);
        Assert.Equal("Отчёт об информировании застрахованных лиц о прохождении профилактических мероприятий", cells["A1"].Text);
        Assert.True(cells["A1"].Bold);
        Assert.Equal(tenant, cells["B2"].Text);
        Assert.Equal("01.04.2026 – 30.06.2026", cells["B3"].Text);
        // A2..A4 facts, row 5 empty, row 6 the headings, rows 7-11 the kinds and the total.
        Assert.Equal("Профилактическое мероприятие", cells["A6"].Text);
        Assert.Equal("Подлежат в 2026 году, чел.", cells["B6"].Text);
        Assert.True(cells["A6"].Bold && cells["F6"].Bold);
        for (var i = 0; i < Expected.Length; i++)
        {
            var row = 7 + i;
            var e = Expected[i];
            Assert.Equal(e.Name, cells[$"A{row}"].Text);
            foreach (var (column, value) in new[] { ("B", e.Due), ("C", e.Period), ("D", e.Year), ("F", e.Attended) })
            {
                Assert.True(cells[$"{column}{row}"].Number, $"{column}{row} is a number");
                Assert.Equal(value, long.Parse(cells[$"{column}{row}"].Text, System.Globalization.CultureInfo.InvariantCulture));
            }
            Assert.True(cells[$"E{row}"].Number);
            Assert.Equal(e.Share, decimal.Parse(cells[$"E{row}"].Text, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(i == Expected.Length - 1, cells[$"B{row}"].Bold);
        }
        Assert.Equal(6, widths.Length);
        Assert.True(widths[0] > 30, $"the first column fits the kinds' names ({widths[0]})");
        Assert.All(widths, w => Assert.InRange(w, 10, 60));
    }

    [Fact]
    public async Task The_pdf_names_the_smo_the_period_the_date_and_shows_the_figures()
    {
        var tenant = await SeedAsync();
        using var client = service.Staff(tenant, "oms-supervisor");

        var response = await client.GetAsync($"/reports/informing?{Period}&format=pdf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("informing-2026-04-01-2026-06-30.pdf", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var text = ReportFiles.PdfText(await response.Content.ReadAsByteArrayAsync());
        var formed = TimeZoneInfo.ConvertTime(service.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow"));
        Assert.Contains(tenant, text);
        Assert.Contains("Отчёт об информировании застрахованных лиц", text);
        Assert.Contains("Отчётный период 01.04.2026 – 30.06.2026", text);
        Assert.Contains($"Дата формирования {formed:dd.MM.yyyy HH:mm}", text);
        Assert.Contains("Диспансерное наблюдение 3 1 2 66,7 0", text);
        Assert.Contains("Углублённая диспансеризация 1 1 1 100,0 1", text);
        Assert.Contains("6 4 5 83,3 1", text);
    }

    [Theory]
    [InlineData("to=2026-06-30", "from")]
    [InlineData("from=2026-04-01", "to")]
    [InlineData("from=01.04.2026&to=2026-06-30", "from")]
    [InlineData("from=2026-04-01&to=2026-02-30", "to")]
    [InlineData("from=2026-06-30&to=2026-04-01", "to")]
    [InlineData("from=2025-12-01&to=2026-03-31", "to")]
    [InlineData("from=2026-04-01&to=2026-06-30&format=docx", "format")]
    public async Task A_bad_period_or_format_is_refused_naming_the_field(string query, string field)
    {
        using var client = service.Staff(OmsFactory.Tenant("inform-bad"), "oms-supervisor");
        var problem = await ProblemAssert.IsProblemAsync(await client.GetAsync($"/reports/informing?{query}"), HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }
}
