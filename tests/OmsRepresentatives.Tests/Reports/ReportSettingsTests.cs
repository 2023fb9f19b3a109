using System.Net;
using System.Text.Json;
using System.Net.Http.Json;
using Platform.OmsRepresentatives.Tests.Service;

namespace Platform.OmsRepresentatives.Tests.Reports;

/// <summary>The SMO's name on the reports and the time zone whose calendar days their periods are come from its profile.</summary>
[Collection(OmsService.Name)]
public sealed class ReportSettingsTests(OmsFactory service)
{
    private static (long Phone, long Chat) Channels(JsonElement report)
    {
        long Of(string code) => report.GetProperty("byChannel").EnumerateArray().Single(c => c.GetProperty("code").GetString() == code).GetProperty("count").GetInt64();
        return (Of("phone"), Of("chat"));
    }

    [Fact]
    public async Task The_smos_name_is_printed_and_the_period_is_in_its_own_time_zone()
    {
        const string smo = "АО «Страховая компания «Здоровье»";
        var tenant = OmsFactory.Tenant("zone");
        var client = service.Staff(tenant, "oms-supervisor");
        (await client.PutAsJsonAsync("/profile", new { name = smo, phone = "8 800 100-00-00", timeZone = "Asia/Yekaterinburg" })).EnsureSuccessStatusCode();
        var rows = new OmsRows(service, tenant);
        await rows.AppealAsync("policy", 1, "phone", "2026-03-31T20:00:00Z");   // 1 April 01:00 in Yekaterinburg (+5), 23:00 31 March in Moscow
        await rows.AppealAsync("policy", 1, "chat", "2026-06-30T19:30:00Z");    // 1 July 00:30 in Yekaterinburg, 22:30 30 June in Moscow

        var report = JsonDocument.Parse(await client.GetStringAsync("/reports/rights?from=2026-04-01&to=2026-06-30")).RootElement;
        Assert.Equal(smo, report.GetProperty("smo").GetString());
        Assert.Equal("Asia/Yekaterinburg", report.GetProperty("timeZone").GetString());
        Assert.Equal((1, 0), Channels(report));
        var pdf = await client.GetAsync("/reports/rights?from=2026-04-01&to=2026-06-30&format=pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Contains($"Страховая медицинская организация {smo}", ReportFiles.PdfText(await pdf.Content.ReadAsByteArrayAsync()));

        // The same rows for an SMO in Moscow (no profile: the default): the other one is in the period.
        var moscowTenant = OmsFactory.Tenant("msk");
        var moscowRows = new OmsRows(service, moscowTenant);
        await moscowRows.AppealAsync("policy", 1, "phone", "2026-03-31T20:00:00Z");
        await moscowRows.AppealAsync("policy", 1, "chat", "2026-06-30T19:30:00Z");
        var inMoscow = JsonDocument.Parse(await service.Staff(moscowTenant, "oms-supervisor").GetStringAsync("/reports/rights?from=2026-04-01&to=2026-06-30")).RootElement;
        Assert.Equal("Europe/Moscow", inMoscow.GetProperty("timeZone").GetString());
        Assert.Equal((0, 1), Channels(inMoscow));
    }
}
