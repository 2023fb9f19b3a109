using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Platform.Console.Session;

namespace Platform.Console.Tests;

public sealed partial class Signing_in(ConsoleFactory console) : IClassFixture<ConsoleFactory>
{
    [Fact]
    public async Task A_coordinator_signs_in_with_the_development_form_and_lands_where_they_were_going()
    {
        using var browser = console.Browser();
        var before = await browser.GetAsync("queue");
        Assert.Equal(HttpStatusCode.Redirect, before.StatusCode);
        Assert.Equal("/console/sign-in", before.Headers.Location!.AbsolutePath);

        var signedIn = await SignInAsync(browser, "Olga", "acme", ["coordinator", "supervisor"], returnUrl: "/console/queue");

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/console/queue", signedIn.Headers.Location!.OriginalString);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("medassist.console=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/console", cookie, StringComparison.OrdinalIgnoreCase);
        // The gateway was asked who the new token stands for; the login is the subject, as tasks will record it.
        Assert.Contains(console.Gateway.Requests, r => r is { Path: "/auth/me", Subject: "olga", Roles: "coordinator,supervisor" });

        var queue = await browser.GetAsync("queue");
        Assert.Equal(HttpStatusCode.OK, queue.StatusCode);
        var page = await queue.Content.ReadAsStringAsync();
        Assert.Contains("Olga", page);
        Assert.Contains("Europe/Moscow", page);
    }

    [Theory]
    [InlineData("", "acme", "coordinator", "Укажите имя.")]
    [InlineData("olga", "ACME!", "coordinator", "Организация — короткое латинское имя")]
    [InlineData("olga", "acme", "", "Выберите хотя бы одну роль.")]
    [InlineData("olga", "acme", "insurer", "Выберите хотя бы одну роль.")] // a role the console does not offer counts as none
    public async Task Refuses_an_incomplete_form_and_says_why_in_the_persons_language(string name, string tenant, string role, string message)
    {
        using var browser = console.Browser();
        var response = await SignInAsync(browser, name, tenant, role.Length == 0 ? [] : [role]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/console/sign-in?", response.Headers.Location!.OriginalString);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("medassist.console=", StringComparison.Ordinal)));
        var page = await (await browser.GetAsync(response.Headers.Location.OriginalString.Replace("/console/", ""))).Content.ReadAsStringAsync();
        Assert.Contains(message, WebUtility.HtmlDecode(page));
    }

    [Fact]
    public async Task Only_staff_of_an_organisation_get_a_session()
    {
        var signIn = console.Services.GetRequiredService<StaffSignIn>();
        using var culture = new CultureScope("en");

        var (insurer, insurerRefusal) = await signIn.VerifyAsync(ConsoleFactory.Token("insurer-key", ["insurer"]), null, null, default);
        Assert.Null(insurer);
        Assert.StartsWith("This console is for the staff who work cases.", insurerRefusal);

        var (noTenant, noTenantRefusal) = await signIn.VerifyAsync(ConsoleFactory.Token("olga", ["coordinator"], tenant: null), null, null, default);
        Assert.Null(noTenant);
        Assert.StartsWith("The account names no organisation", noTenantRefusal);

        var (expired, expiredRefusal) = await signIn.VerifyAsync(ConsoleFactory.Token("refused-olga", ["coordinator"]), null, null, default);
        Assert.Null(expired);
        Assert.NotNull(expiredRefusal);

        // Roles the console is not for are dropped; an unknown browser time zone means UTC.
        var (staff, refusal) = await signIn.VerifyAsync(ConsoleFactory.Token("olga", ["coordinator", "admin"]), "Olga", "Mars/Olympus", default);
        Assert.Null(refusal);
        Assert.Equal(["coordinator"], staff!.Roles);
        Assert.Equal(TimeZoneInfo.Utc, staff.TimeZone);
        Assert.True(staff.WorksCases);
        Assert.False(staff.Supervises);
    }

    [Fact]
    public async Task Never_sends_a_person_to_another_site_after_signing_in()
    {
        using var browser = console.Browser();
        var response = await SignInAsync(browser, "olga", "acme", ["coordinator"], returnUrl: "//evil.example/console");
        Assert.Equal("/console/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Refuses_a_form_posted_from_elsewhere()
    {
        using var browser = console.Browser();
        var response = await browser.PostAsync("sign-in/dev", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["name"] = "olga", ["tenant"] = "acme", ["roles"] = "coordinator" }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/console/sign-in?error=", response.Headers.Location!.OriginalString);
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("medassist.console=", StringComparison.Ordinal)));
        var page = WebUtility.HtmlDecode(await browser.GetStringAsync(response.Headers.Location.OriginalString.Replace("/console/", "")));
        Assert.Contains("Форму не удалось принять", page);
    }

    [Fact]
    public async Task Keeps_the_persons_language()
    {
        using var browser = console.Browser();
        var english = await browser.GetAsync("language/en?returnUrl=%2Fsign-in");
        Assert.Equal("/console/sign-in", english.Headers.Location!.OriginalString);
        Assert.Contains("Sign in to the console", await browser.GetStringAsync("sign-in"));

        var russian = await browser.GetAsync("language/ru?returnUrl=https%3A%2F%2Fevil.example");
        Assert.Equal("/console/", russian.Headers.Location!.OriginalString);
        Assert.Contains("Вход в консоль", WebUtility.HtmlDecode(await browser.GetStringAsync("sign-in")));
    }

    [Fact]
    public async Task Answers_an_unknown_address_with_a_page_not_a_problem_document()
    {
        using var browser = console.Browser();
        var missing = await browser.GetAsync("no-such-screen");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("text/html", missing.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Такой страницы нет.", WebUtility.HtmlDecode(await missing.Content.ReadAsStringAsync()));
    }

    internal static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string name, string tenant, string[] roles, string? returnUrl = null)
    {
        var form = await browser.GetStringAsync("sign-in");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        var fields = new List<KeyValuePair<string, string>>
        {
            new("__RequestVerificationToken", token), new("name", name), new("tenant", tenant), new("timeZone", "Europe/Moscow"),
            new("returnUrl", returnUrl ?? ""),
        };
        fields.AddRange(roles.Select(r => new KeyValuePair<string, string>("roles", r)));
        return await browser.PostAsync("sign-in/dev", new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}

public sealed class Without_the_development_sign_in(ConsoleWithoutDevSignIn console) : IClassFixture<ConsoleWithoutDevSignIn>
{
    [Fact]
    public async Task Offers_no_form_and_mints_no_token()
    {
        using var browser = console.Browser();
        var page = WebUtility.HtmlDecode(await browser.GetStringAsync("sign-in"));
        Assert.DoesNotContain("sign-in/dev", page);
        Assert.Contains("Вход не настроен", page);

        var post = await browser.PostAsync("sign-in/dev", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "olga", ["tenant"] = "acme", ["roles"] = "coordinator" }));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Equal("/console/sign-in", post.Headers.Location!.OriginalString);
        Assert.False(post.Headers.Contains("Set-Cookie") && post.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("medassist.console=", StringComparison.Ordinal)));
        Assert.DoesNotContain(console.Gateway.Requests, r => r.Path == "/auth/me");
    }
}

/// <summary>Runs a block in a language (the texts follow the current UI culture).</summary>
public sealed class CultureScope : IDisposable
{
    private readonly System.Globalization.CultureInfo _culture = System.Globalization.CultureInfo.CurrentUICulture;

    public CultureScope(string language) =>
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo(language);

    public void Dispose() => System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.CurrentCulture = _culture;
}
