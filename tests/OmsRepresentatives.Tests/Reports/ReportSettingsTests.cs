using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Platform.OmsRepresentatives.Tests.Service;

namespace Platform.OmsRepresentatives.Tests.Reports;

/// <summary>The SMO's name on the reports and the time zone whose calendar days their periods are come from Oms:Reports.</summary>
[Collection(OmsService.Name)]
public sealed class ReportSettingsTests(OmsFactory service)
{
    private static (long Phone, long Chat) Channels(JsonElement report)
    {
        long Of(string code) => report.GetProperty("byChannel").EnumerateArray().Single(c => c.GetProperty("code").GetString() == code).GetProperty("count").GetInt64();
        return (Of("phone"), Of("chat"));
    }

    [Fact]
    public async Task The_smos_name_is_printed_and_the_period_is_in_the_configured_time_zone()
    {
        const string smo = "АО «Страховая компания «Здоровье»";
        await using var configured = service.WithWebHostBuilder(b => b
            .UseSetting("Oms:Reports:SmoName", smo)
            .UseSetting("Oms:Reports:TimeZone", "Asia/Yekaterinburg"));
        var tenant = OmsFactory.Tenant("zone");
        var rows = new OmsRows(service, tenant);
        await rows.AppealAsync("policy", 1, "phone", "2026-03-31T20:00:00Z");   // 1 April 01:00 in Yekaterinburg (+5), 23:00 31 March in Moscow
        await rows.AppealAsync("policy", 1, "chat", "2026-06-30T19:30:00Z");    // 1 July 00:30 in Yekaterinburg, 22:30 30 June in Moscow
        using var client = configured.CreateDefaultClient(new Platform.Tests.ServiceFactory<Program>.StampingHandler(Platform.Tests.ServiceFactory<Program>.GatewaySecret));
        client.DefaultRequestHeaders.Add("X-Tenant-Id", tenant);
        client.DefaultRequestHeaders.Add("X-Actor-Id", "sup-1");
        client.DefaultRequestHeaders.Add("X-Actor-Kind", "staff");
        client.DefaultRequestHeaders.Add("X-Actor-Roles", "oms-supervisor");

        var report = JsonDocument.Parse(await client.GetStringAsync("/reports/rights?from=2026-04-01&to=2026-06-30")).RootElement;
        Assert.Equal(smo, report.GetProperty("smo").GetString());
        Assert.Equal("Asia/Yekaterinburg", report.GetProperty("timeZone").GetString());
        Assert.Equal((1, 0), Channels(report));
        var pdf = await client.GetAsync("/reports/rights?from=2026-04-01&to=2026-06-30&format=pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Contains($"Страховая медицинская организация {smo}", ReportFiles.PdfText(await pdf.Content.ReadAsByteArrayAsync()));

        // The same rows in Moscow's days: the other one is in the period.
        using var moscow = service.Staff(tenant, "oms-supervisor");
        var inMoscow = JsonDocument.Parse(await moscow.GetStringAsync("/reports/rights?from=2026-04-01&to=2026-06-30")).RootElement;
        Assert.Equal((0, 1), Channels(inMoscow));
    }
}
