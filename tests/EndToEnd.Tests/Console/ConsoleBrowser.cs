using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Platform.Tests;

namespace Platform.EndToEnd.Tests.Console;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright (its own browser download is not used: CONSOLE_TEST_CHROMIUM names
/// another executable). One browser per test class; each person signs in in a context (cookies, language, time zone)
/// of their own.
/// </summary>
public sealed class ConsoleBrowser : IAsyncLifetime
{
    public static string Executable => Environment.GetEnvironmentVariable("CONSOLE_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: ./platform test installs Debian's chromium (apt-get install chromium).");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            // Chromium's sandbox needs user namespaces, which containers (and root) often lack.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>Opens the console in a new browser context and signs in with the development sign-in form.</summary>
    public async Task<ConsolePerson> SignInAsync(Uri gateway, string scenario, string name, string tenant, string[] roles,
        string locale = "ru-RU", string timeZone = "Europe/Moscow")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = new Uri(gateway, "/console/").ToString(),
            Locale = locale,
            TimezoneId = timeZone,
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
        });
        var person = new ConsolePerson(context, await context.NewPageAsync(), scenario);
        await person.Page.GotoAsync("sign-in");
        await person.Page.FillAsync("input[name=name]", name);
        await person.Page.FillAsync("input[name=tenant]", tenant);
        foreach (var role in roles) await person.Page.CheckAsync($"input[name=roles][value={role}]");
        await person.Page.ClickAsync("[data-testid=dev-sign-in] button[type=submit]");
        await person.WaitUntilLiveAsync();
        return person;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>A person at the console: their page, and the screenshots of each step (TestResults/console/{scenario}/).</summary>
public sealed partial class ConsolePerson(IBrowserContext context, IPage page, string scenario) : IAsyncDisposable
{
    private int _step;

    public IPage Page { get; } = page;

    public static string ScreenshotDirectory(string scenario) =>
        Path.Combine(TestEnvironment.RepositoryRoot(), "TestResults", "console", scenario);

    /// <summary>Waits until the screen is live (its buttons work), not just drawn.</summary>
    public Task WaitUntilLiveAsync() =>
        Page.Locator("[data-interactive=true]").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });

    public async Task GoToAsync(string path)
    {
        await Page.GotoAsync(path);
        await WaitUntilLiveAsync();
    }

    public ILocator TestId(string id) => Page.GetByTestId(id);

    /// <summary>Keeps a picture of the screen as it is now, as a test artefact a person can look at.</summary>
    public async Task ScreenshotAsync(string step)
    {
        var directory = ScreenshotDirectory(scenario);
        Directory.CreateDirectory(directory);
        // From the top: the fixed top bar then sits where it belongs in a full-page picture.
        await Page.EvaluateAsync("window.scrollTo(0, 0)");
        await Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(directory, $"{++_step:00}-{Slug().Replace(step, "-")}.png"),
            FullPage = true,
        });
    }

    /// <summary>The screen as it was last (the first thing to look at when a step failed), then the browser context closes.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await ScreenshotAsync("last");
        }
        catch (PlaywrightException)
        {
            // The page is gone already: nothing to keep.
        }
        await context.DisposeAsync();
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex Slug();
}
