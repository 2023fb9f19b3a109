using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Platform.EndToEnd.Tests.Console;

/// <summary>
/// An SMO's hotline in a real browser: a tier-1 representative finds a citizen's question in the queue, answers it from
/// the appeal's screen (a missing answer is refused on the form, nothing is sent), and is shown that a tier-3 appeal is
/// not hers to act on. What the screens did is then read back through the OMS API.
/// </summary>
public sealed class The_OMS_representatives_console(PlatformFixture platform, ConsoleBrowser browser)
    : IClassFixture<PlatformFixture>, IClassFixture<ConsoleBrowser>
{
    [Fact]
    public async Task Answers_a_question_at_its_tier_and_leaves_a_higher_tiers_appeal_alone()
    {
        var (tenant, _, _) = await Smo.NewAsync(platform, "console-oms");
        var api = platform.StaffClient("operator-irina", "oms-tier1", tenant);
        var question = await Smo.RegisterAppealAsync(api, new
        {
            channel = "phone", kind = "policy", applicant = new { name = "Смирнова Анна Петровна", phone = "+79035556677" },
            summary = "Переехала в Казань, спрашивает, действует ли полис ОМС и нужно ли менять страховую компанию.",
        });
        Assert.Equal(1, question.GetProperty("tier").GetInt32());
        var advice = await Smo.RegisterAppealAsync(api, new
        {
            channel = "phone", kind = "medical-advice", applicant = new { name = "Кузнецов Олег Ильич", phone = "+79035556688" },
            summary = "Просит разъяснить назначенное лечение после выписки из стационара.",
        });
        Assert.Equal(3, advice.GetProperty("tier").GetInt32());
        var (questionNumber, adviceNumber) = (Smo.Number(question), Smo.Number(advice));

        await using var irina = await browser.SignInAsync(platform.GatewayUrl, "oms-tier1", "operator-irina", tenant, ["oms-tier1"]);
        await irina.GoToAsync("oms");
        var row = irina.Page.Locator($"[data-testid=oms-appeal-row][data-number='{questionNumber}']").First;
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(row).ToContainTextAsync("Смирнова Анна Петровна");
        await irina.ScreenshotAsync("the hotline queue");

        await row.GetByTestId("oms-open-appeal").ClickAsync();
        await Assertions.Expect(irina.TestId("oms-appeal")).ToHaveAttributeAsync("data-number", questionNumber, new() { Timeout = 15_000 });
        await irina.WaitUntilLiveAsync();
        await Assertions.Expect(irina.TestId("oms-appeal-summary")).ToContainTextAsync("Переехала в Казань");
        await Assertions.Expect(irina.TestId("oms-appeal-status")).ToHaveTextAsync("на рассмотрении");

        await irina.TestId("oms-action-answer").ClickAsync();
        var form = irina.TestId("oms-answer");
        await Assertions.Expect(form).ToBeVisibleAsync();
        // Sent without an answer: the form says what is missing, and the appeal stays open.
        await irina.TestId("oms-answer-submit").ClickAsync();
        await Assertions.Expect(form).ToContainTextAsync("Обязательное поле.");
        Assert.Equal("open", await StatusAsync(api, questionNumber));
        await irina.ScreenshotAsync("an answer is required");

        const string Answer = "Полис ОМС действует на всей территории России, менять страховую компанию при переезде не обязательно.";
        await form.Locator("textarea[name=answer]").FillAsync(Answer);
        await form.Locator("select[name=outcome]").SelectOptionAsync("explained");
        await irina.TestId("oms-answer-submit").ClickAsync();
        await Assertions.Expect(irina.TestId("oms-notice")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(irina.TestId("oms-appeal-status")).ToHaveTextAsync("дан ответ");
        await irina.ScreenshotAsync("the question answered");

        var answered = await api.GetFromJsonAsync<JsonElement>($"/api/oms/appeals/{questionNumber}");
        Assert.Equal("answered", answered.GetProperty("status").GetString());
        Assert.Contains(Answer, answered.ToString());

        // The tier-3 appeal: she may read it, the screen tells her whose it is, and the API refuses her an answer.
        await irina.GoToAsync($"oms/appeals/{adviceNumber}");
        await Assertions.Expect(irina.TestId("oms-not-your-tier")).ToContainTextAsync("на 3 уровне", new() { Timeout = 15_000 });
        await irina.ScreenshotAsync("a tier-3 appeal is not hers");
        var refused = await api.PostAsJsonAsync($"/api/oms/appeals/{adviceNumber}/answer", new { answer = Answer, outcome = "explained" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("open", await StatusAsync(api, adviceNumber));
    }

    private static async Task<string> StatusAsync(HttpClient client, string number) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/oms/appeals/{number}")).GetProperty("status").GetString()!;
}
