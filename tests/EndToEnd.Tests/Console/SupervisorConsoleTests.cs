using System.Net.Http.Json;
using System.Text.Json;
using Platform.Tests;
using Microsoft.Playwright;

namespace Platform.EndToEnd.Tests.Console;

/// <summary>
/// The supervisor's board in a real browser. It moves the platform's development clock, so it runs in the collection
/// that owns the clock, and puts the clock back when done.
/// </summary>
[Collection(PlatformClockCollection.Name)]
public sealed class The_supervisors_console(PlatformFixture platform, ConsoleBrowser browser)
    : IClassFixture<PlatformFixture>, IClassFixture<ConsoleBrowser>, IAsyncLifetime
{
    [Fact]
    public async Task Shows_the_overdue_callback_once_the_clock_has_moved_and_reassigns_it()
    {
        var (tenant, insurer) = await platform.NewInsurerAsync("console-sup");
        var (_, caseNumber, _) = await PlatformFixture.RegisterAndAwaitCaseAsync(insurer);
        var tasks = await insurer.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/tasks");
        var callback = tasks.EnumerateArray().First(t => t.GetProperty("kind").GetString() == "callback");
        var taskId = callback.GetProperty("id").GetGuid();

        await using var supervisor = await browser.SignInAsync(platform.GatewayUrl, "supervisor", "natalia", tenant, ["supervisor"]);
        await supervisor.GoToAsync("supervisor");
        await Assertions.Expect(supervisor.TestId("figures-day")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(supervisor.Page.Locator($"[data-testid=overdue-row][data-task='{taskId}']")).ToHaveCountAsync(0);
        await supervisor.ScreenshotAsync("board before the promise is broken");

        // Two hours later the promised callback has not been made: the board shows it overdue, without a reload.
        await MoveClockAsync(TimeSpan.FromHours(2));
        var row = supervisor.Page.Locator($"[data-testid=overdue-row][data-task='{taskId}']");
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(row).ToContainTextAsync(caseNumber);
        await Assertions.Expect(row).ToContainTextAsync("просрочено");
        await supervisor.ScreenshotAsync("overdue callback on the board");

        // She gives it to Ivan.
        await row.GetByTestId("reassign-task").ClickAsync();
        await supervisor.TestId("reassign-to").FillAsync("ivan");
        await supervisor.ScreenshotAsync("reassigning the callback");
        await supervisor.TestId("confirm-reassign").ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("ivan", new() { Timeout = 10_000 });
        await supervisor.ScreenshotAsync("callback reassigned");

        using var staff = platform.StaffClient("natalia", "supervisor", tenant);
        var task = await staff.GetFromJsonAsync<JsonElement>($"/api/cases/tasks/{taskId}");
        Assert.Equal("ivan", task.GetProperty("owner").GetString());
        var timeline = await staff.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/timeline");
        Assert.Contains(timeline.EnumerateArray(), e => e.GetProperty("kind").GetString() == "task-reassigned");
    }

    private async Task MoveClockAsync(TimeSpan offset) =>
        (await platform.Admin.PutAsJsonAsync("/admin/dev-clock", new { offset })).EnsureSuccessStatusCode();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => MoveClockAsync(TimeSpan.Zero); // the clock goes back for whatever runs next
}
