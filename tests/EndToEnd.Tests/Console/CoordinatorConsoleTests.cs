using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Platform.Tests;

namespace Platform.EndToEnd.Tests.Console;

/// <summary>
/// The console in a real browser, as a coordinator works it: through the gateway at /console, with a development
/// sign-in, in Russian and Moscow time. Screenshots of each step: TestResults/console/.
/// </summary>
public sealed class The_coordinators_console(PlatformFixture platform, ConsoleBrowser browser)
    : IClassFixture<PlatformFixture>, IClassFixture<ConsoleBrowser>
{
    [Fact]
    public async Task Shows_a_new_appeal_live_and_takes_it_to_the_case_with_its_briefing_document_review_and_callback()
    {
        var (tenant, insurer) = await platform.NewInsurerAsync("console");
        await using var coordinator = await browser.SignInAsync(platform.GatewayUrl, "coordinator", "olga", tenant, ["coordinator"]);
        var page = coordinator.Page;

        // The queue, empty, in Russian; the screen is marked so that a reload would show.
        await coordinator.GoToAsync("queue");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Очередь обращений" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Очередь пуста.")).ToBeVisibleAsync();
        await page.EvaluateAsync("window.sameScreen = true");
        await coordinator.ScreenshotAsync("queue empty");

        // A relative calls the insurer, who passes the appeal on: it appears without reloading.
        var response = await insurer.PostAsJsonAsync("/api/intake/appeals", PlatformFixture.Appeal(fullName: "Пётр Иванов"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var appealId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var row = page.Locator($"[data-testid=queue-row][data-appeal='{appealId}']");
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = 15_000 });
        Assert.True(await page.EvaluateAsync<bool>("window.sameScreen === true"), "The queue was reloaded to show the appeal.");
        await Assertions.Expect(row).ToContainTextAsync("Пётр Иванов");
        await Assertions.Expect(row).ToContainTextAsync("Экстренно"); // chest pain: the red flag makes it an emergency
        await Assertions.Expect(row.GetByTestId("open-case")).ToBeVisibleAsync(new() { Timeout = 15_000 }); // the case is open
        await coordinator.ScreenshotAsync("new appeal arrives");

        // She takes it: the case screen opens, with the briefing on top, in the caller's language and time zone.
        await row.GetByTestId("take").ClickAsync();
        await page.WaitForURLAsync(new Regex("/console/cases/[0-9]{4}-[0-9]{6}$"));
        var caseNumber = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        var briefing = coordinator.TestId("briefing");
        await Assertions.Expect(briefing).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(briefing).ToContainTextAsync("(Москва, UTC+3)");
        Assert.Matches("[А-Яа-яЁё]{4,}", await briefing.InnerTextAsync());
        await coordinator.ScreenshotAsync("case with the briefing");
        var taken = await insurer.GetFromJsonAsync<JsonElement>($"/api/intake/appeals/{appealId}");
        Assert.Equal(("taken", "olga"), (taken.GetProperty("queue").GetProperty("status").GetString(), taken.GetProperty("queue").GetProperty("takenBy").GetString()));

        // The daughter sends the passport; the coordinator accepts it on the documents tab.
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.7\n% passport scan\n%%EOF\n")) { Headers = { ContentType = new MediaTypeHeaderValue("application/pdf") } }, "file", "passport.pdf" },
            { new StringContent("passport"), "type" },
        };
        var uploaded = await (await insurer.PostAsync($"/api/cases/cases/{caseNumber}/documents", form)).Content.ReadFromJsonAsync<JsonElement>();
        var documentId = uploaded.GetProperty("id").GetGuid();
        await coordinator.TestId("tab-documents").ClickAsync();
        var document = page.Locator($"[data-testid=document-row][data-document='{documentId}']");
        await Assertions.Expect(document).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await coordinator.ScreenshotAsync("document received");
        await document.GetByTestId("accept-document").ClickAsync();
        await Eventually.True(async () =>
        {
            var documents = await insurer.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/documents");
            return documents.EnumerateArray().Any(d => d.GetProperty("id").GetGuid() == documentId &&
                                                      d.GetProperty("review").GetProperty("state").GetString() == "accepted");
        }, TimeSpan.FromSeconds(10), "the document is accepted");
        await coordinator.ScreenshotAsync("document accepted");

        // She calls the daughter back and completes the callback task.
        await coordinator.TestId("tab-tasks").ClickAsync();
        var callback = page.Locator("[data-testid=task-row][data-kind=callback]").First;
        await Assertions.Expect(callback).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(callback).ToContainTextAsync("через");
        await coordinator.ScreenshotAsync("callback due");
        await callback.GetByTestId("complete-task").ClickAsync();
        await coordinator.TestId("task-result").SelectOptionAsync("reached");
        await coordinator.TestId("task-note").FillAsync("Дочери сообщили: гарантийное письмо отправлено в клинику.");
        await coordinator.ScreenshotAsync("completing the callback");
        await coordinator.TestId("confirm-complete").ClickAsync();
        await Eventually.True(async () =>
        {
            var tasks = await insurer.GetFromJsonAsync<JsonElement>($"/api/cases/cases/{caseNumber}/tasks");
            return tasks.EnumerateArray().Any(t => t.GetProperty("kind").GetString() == "callback" && t.GetProperty("status").GetString() == "done");
        }, TimeSpan.FromSeconds(10), "the callback is done");
        await coordinator.ScreenshotAsync("callback done");
    }

    [Fact]
    public async Task Registers_a_call_with_the_insured_found_by_policy_number_and_shows_what_to_tell_the_caller()
    {
        var (tenant, insurer) = await platform.NewInsurerAsync("console-call");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var csv = "policy_number,plan,start_date,end_date,territory,insured_full_name,insured_date_of_birth,limits,deductible,covered_risks,excluded_risks\n" +
                  $"TRV-CALL-1,Comfort,{today.AddDays(-10):yyyy-MM-dd},{today.AddDays(20):yyyy-MM-dd},WORLD,Pyotr Ivanov,1956-04-12," +
                  "medical-expenses:10000:USD,100:USD,illness;accident,alcohol\n";
        (await insurer.PostAsync("/api/intake/policies/batch", new StringContent(csv, Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();

        await using var coordinator = await browser.SignInAsync(platform.GatewayUrl, "call", "olga", tenant, ["coordinator"]);
        var page = coordinator.Page;
        await coordinator.GoToAsync("appeals/new");
        await coordinator.TestId("policy-search").FillAsync("TRV-CALL-1");
        await coordinator.TestId("policy-search").PressAsync("Enter");
        var match = page.GetByTestId("policy-result").Filter(new() { HasText = "Pyotr Ivanov" });
        await Assertions.Expect(match).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await coordinator.ScreenshotAsync("insured found by policy number");
        await match.GetByTestId("policy-choose").ClickAsync();
        await Assertions.Expect(page.Locator("input[name='insured.policyNumber']")).ToHaveValueAsync("TRV-CALL-1");

        await page.Locator("input[name='caller.name']").FillAsync("Мария Иванова");
        await page.Locator("select[name='caller.relation']").SelectOptionAsync("daughter");
        await page.Locator("input[name='caller.phone']").FillAsync("+7 916 555-01-02");
        await page.Locator("input[name='location.country']").FillAsync("US");
        await page.Locator("textarea[name='description']").FillAsync("Отца госпитализировали с болью в груди; клиника спрашивает, кто платит.");
        await coordinator.ScreenshotAsync("the call filled in");
        await coordinator.TestId("register-appeal").ClickAsync();

        var answer = coordinator.TestId("appeal-answer");
        await Assertions.Expect(answer).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(coordinator.TestId("appeal-case-link")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await coordinator.ScreenshotAsync("what to tell the caller");
        var appealId = Guid.Parse((await answer.GetAttributeAsync("data-appeal"))!);
        var appeal = await insurer.GetFromJsonAsync<JsonElement>($"/api/intake/appeals/{appealId}");
        Assert.Equal("TRV-CALL-1", appeal.GetProperty("insured").GetProperty("policyNumber").GetString());
        Assert.Equal(("Мария Иванова", "daughter"), (appeal.GetProperty("caller").GetProperty("name").GetString(), appeal.GetProperty("caller").GetProperty("relation").GetString()));
        Assert.Equal("covered", appeal.GetProperty("coverage").GetProperty("status").GetString());
        await Assertions.Expect(coordinator.TestId("appeal-case-link")).ToContainTextAsync(appeal.GetProperty("caseNumber").GetString()!);
    }

    [Fact]
    public async Task Is_closed_to_an_insurers_API_key_and_never_shows_one_insurers_case_to_another()
    {
        var (tenant, insurer) = await platform.NewInsurerAsync("console-a");
        var (otherTenant, _) = await platform.NewInsurerAsync("console-b");
        var (_, caseNumber, _) = await PlatformFixture.RegisterAndAwaitCaseAsync(insurer);

        // An insurer's key opens nothing: the console asks for a staff sign-in, and offers no insurer or clinic role.
        using var withKey = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = platform.GatewayUrl };
        withKey.DefaultRequestHeaders.Authorization = insurer.DefaultRequestHeaders.Authorization;
        var refused = await withKey.GetAsync($"/console/cases/{caseNumber}");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/console/sign-in", refused.Headers.Location!.IsAbsoluteUri ? refused.Headers.Location.AbsolutePath : refused.Headers.Location.OriginalString);
        var signInPage = await withKey.GetStringAsync("/console/sign-in");
        Assert.DoesNotContain("value=\"insurer\"", signInPage);
        Assert.DoesNotContain("value=\"clinic\"", signInPage);

        // A coordinator of another insurer: not in the queue, and the case itself is "not found", with nothing of it shown.
        await using var stranger = await browser.SignInAsync(platform.GatewayUrl, "isolation", "ivan", otherTenant, ["coordinator"]);
        await stranger.GoToAsync("queue");
        await Assertions.Expect(stranger.Page.GetByText("Очередь пуста.")).ToBeVisibleAsync();
        await stranger.GoToAsync($"cases/{caseNumber}");
        await Assertions.Expect(stranger.TestId("case-not-found")).ToContainTextAsync($"Дело {caseNumber} в вашей организации не найдено", new() { Timeout = 10_000 });
        Assert.DoesNotContain("Pyotr Ivanov", await stranger.Page.InnerTextAsync("body"));
        await stranger.ScreenshotAsync("another insurers case is not found");
    }
}
