using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Platform.EndToEnd.Tests.Console;

/// <summary>
/// An SMO's supervisor in a real browser: the law's clock over the written appeals (counts by deadline, each appeal's
/// days left, the task a late registration raised, closed from the board), then a reminder campaign's plan as the
/// SMO's systems and the API made it. What the screens show is compared with what the OMS API answers.
/// </summary>
public sealed class The_OMS_supervisors_console(PlatformFixture platform, ConsoleBrowser browser)
    : IClassFixture<PlatformFixture>, IClassFixture<ConsoleBrowser>
{
    [Fact]
    public async Task Shows_the_law_s_clock_closes_a_task_and_shows_a_campaign_s_plan()
    {
        var (tenant, system, supervisor) = await Smo.NewAsync(platform, "console-oms-supervisor");
        var tier1 = platform.StaffClient("operator-irina", "oms-tier1", tenant);
        var now = DateTimeOffset.UtcNow;
        // A letter registered 27 days after it arrived: the law's 30 days run from its registration, and the late
        // registration is a task for the supervisor.
        var late = await Smo.RegisterAppealAsync(tier1, new
        {
            channel = "letter", kind = "care-quality",
            applicant = new { name = "Васильева Нина Павловна", address = "г. Москва, ул. Полевая, д. 8, кв. 2" },
            summary = "Жалоба на отказ в госпитализации при ухудшении состояния после операции",
            organisation = "Городская больница № 7", receivedAt = now.AddDays(-27),
        });
        var fresh = await Smo.RegisterAppealAsync(tier1, new
        {
            channel = "letter", kind = "waiting-time",
            applicant = new { name = "Орлов Семён Игоревич", address = "г. Москва, ул. Лесная, д. 14, кв. 40" },
            summary = "Запись к эндокринологу только через два месяца",
            organisation = "Городская поликлиника № 3", receivedAt = now.AddDays(-1),
        });
        var lateClock = late.GetProperty("clock");
        Assert.Equal("on-time", lateClock.GetProperty("state").GetString());
        Assert.True(late.GetProperty("registeredLate").GetBoolean());
        Assert.Equal("on-time", fresh.GetProperty("clock").GetProperty("state").GetString());
        var (lateNumber, freshNumber) = (Smo.Number(late), Smo.Number(fresh));

        await using var olga = await browser.SignInAsync(platform.GatewayUrl, "oms-supervisor", "supervisor-olga", tenant, ["oms-supervisor"]);
        await olga.GoToAsync("oms/clock");
        await Assertions.Expect(olga.TestId("oms-count-on-time").Locator("b")).ToHaveTextAsync("2", new() { Timeout = 15_000 });
        await Assertions.Expect(olga.TestId("oms-count-due-soon").Locator("b")).ToHaveTextAsync("0");
        await Assertions.Expect(olga.TestId("oms-count-overdue").Locator("b")).ToHaveTextAsync("0");
        var appeals = olga.TestId("oms-clock-appeals");
        var lateRow = appeals.Locator($"[data-testid=oms-appeal-row][data-number='{lateNumber}']");
        await Assertions.Expect(lateRow.GetByTestId("oms-clock-state")).ToHaveAttributeAsync("data-state", "on-time");
        await Assertions.Expect(lateRow).ToContainTextAsync($"осталось {lateClock.GetProperty("daysLeft").GetInt32()} дн.");
        await Assertions.Expect(lateRow).ToContainTextAsync("Васильева Нина Павловна");
        await Assertions.Expect(appeals.Locator($"[data-testid=oms-appeal-row][data-number='{freshNumber}'] [data-testid=oms-clock-state]"))
            .ToHaveAttributeAsync("data-state", "on-time");

        var task = olga.Page.Locator("[data-testid=oms-task][data-kind=registration-late]");
        await Assertions.Expect(task).ToHaveCountAsync(1);
        await Assertions.Expect(task).ToContainTextAsync("нарушен срок регистрации");
        await Assertions.Expect(task).ToContainTextAsync(lateNumber);
        // Due when the letter should have been registered, 3 days after it arrived: 24 days ago.
        await Assertions.Expect(task).ToContainTextAsync("просрочено на 24 дн");
        await olga.ScreenshotAsync("the law's clock");

        await task.GetByTestId("oms-task-done").ClickAsync();
        await Assertions.Expect(task).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        var board = await supervisor.GetFromJsonAsync<JsonElement>("/api/oms/clock");
        Assert.DoesNotContain(board.GetProperty("tasks").EnumerateArray(), t => t.GetProperty("kind").GetString() == "registration-late");
        var history = await supervisor.GetFromJsonAsync<JsonElement>($"/api/oms/appeals/{lateNumber}");
        Assert.Contains(history.GetProperty("tasks").EnumerateArray(),
            t => t.GetProperty("kind").GetString() == "registration-late" && t.GetProperty("status").GetString() == "done");
        await olga.ScreenshotAsync("the late registration's task done");

        // A campaign over a small register, starting tomorrow (nothing is sent today).
        var register = await system.PostAsync("/api/oms/register", new GeneratedRegister(0, 300));
        Assert.True(register.StatusCode == HttpStatusCode.OK, await register.Content.ReadAsStringAsync());
        var created = await Smo.PlanCampaignAsync(supervisor, new
        {
            name = "Профилактика — зима", year = Smo.Today.Year, kinds = new[] { "checkup", "dispanserization" },
            startsOn = Smo.Today.AddDays(1), smsPerDay = 20, callsPerDay = 10, clinicPerDay = 5,
        });
        var id = created.GetProperty("campaign").GetProperty("id").GetInt64();
        var campaign = await supervisor.GetFromJsonAsync<JsonElement>($"/api/oms/campaigns/{id}");
        var planned = campaign.GetProperty("campaign").GetProperty("plannedCount").GetInt32();
        Assert.True(planned > 0, campaign.ToString());

        await olga.GoToAsync("oms/campaigns");
        var row = olga.Page.Locator($"[data-testid=oms-campaign-row][data-campaign='{id}']");
        await Assertions.Expect(row).ToContainTextAsync("Профилактика — зима", new() { Timeout = 15_000 });
        await Assertions.Expect(row).ToContainTextAsync("Профилактический медицинский осмотр, Диспансеризация (первый этап)");
        await Assertions.Expect(row.Locator("td.num")).ToHaveTextAsync(planned.ToString());
        await Assertions.Expect(olga.TestId("oms-sms-delivered")).ToHaveTextAsync("0");

        await row.GetByTestId("oms-open-campaign").ClickAsync();
        var panel = olga.Page.Locator($"[data-testid=oms-campaign][data-campaign='{id}']");
        await Assertions.Expect(panel).ToContainTextAsync("Не более 20 SMS и 10 звонков в день, 5 приглашений в день на поликлинику");
        foreach (var figure in campaign.GetProperty("figures").EnumerateArray())
        {
            var cells = panel.Locator($"[data-testid=oms-campaign-figure][data-kind={figure.GetProperty("kind").GetString()}]" +
                                      $"[data-channel={figure.GetProperty("channel").GetString()}] td");
            await Assertions.Expect(cells.Nth(2)).ToHaveTextAsync(figure.GetProperty("planned").GetInt32().ToString());
            await Assertions.Expect(cells.Nth(3)).ToHaveTextAsync(figure.GetProperty("channel").GetString() == "sms" ? "0" : "—");
        }
        await Assertions.Expect(panel.GetByTestId("oms-campaign-days").Locator(".day").First)
            .ToContainTextAsync(Smo.Today.AddDays(1).ToString("dd.MM.yyyy"));
        await olga.ScreenshotAsync("the campaign's plan");

        // Another SMO's supervisor sees neither the appeals nor the campaign.
        var (otherTenant, _, _) = await Smo.NewAsync(platform, "console-oms-other");
        await using var stranger = await browser.SignInAsync(platform.GatewayUrl, "oms-supervisor-other", "supervisor-ivan", otherTenant, ["oms-supervisor"]);
        await stranger.GoToAsync("oms/clock");
        await Assertions.Expect(stranger.TestId("oms-clock")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(stranger.Page.Locator($"[data-number='{lateNumber}']")).ToHaveCountAsync(0);
        await stranger.GoToAsync($"oms/campaigns/{id}");
        await Assertions.Expect(stranger.Page.Locator("[data-testid=oms-campaign]")).ToHaveCountAsync(0);
        await Assertions.Expect(stranger.Page.Locator($"[data-testid=oms-campaign-row][data-campaign='{id}']")).ToHaveCountAsync(0);
    }
}
