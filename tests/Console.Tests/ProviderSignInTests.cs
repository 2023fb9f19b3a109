using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Platform.Console.Tests;

/// <summary>The console with an identity provider (and no development sign-in), as in production.</summary>
public sealed class ConsoleWithProvider : ConsoleFactory
{
    public FakeIdentityProvider Provider { get; private set; } = null!;

    protected override bool DevSignIn => false;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Provider = await FakeIdentityProvider.StartAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Auth:Oidc:Authority", Provider.Address.ToString().TrimEnd('/'));
        builder.UseSetting("Auth:Oidc:ClientId", FakeIdentityProvider.ClientId);
        builder.UseSetting("Auth:Oidc:ClientSecret", FakeIdentityProvider.ClientSecret);
    }

    /// <summary>Over https, as behind the ingress: the provider's correlation cookies are Secure.</summary>
    public HttpClient SecureBrowser() => CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        HandleCookies = true,
        BaseAddress = new Uri("https://localhost/console/"),
    });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Provider is not null) await Provider.DisposeAsync();
    }
}

public sealed class Signing_in_with_the_identity_provider(ConsoleWithProvider console) : IClassFixture<ConsoleWithProvider>
{
    [Fact]
    public async Task A_coordinator_signs_in_with_the_code_flow_and_the_console_calls_the_gateway_with_the_providers_token()
    {
        console.Provider.NextUser = new("olga.s", "Olga Smirnova", ["coordinator"], "acme");
        using var browser = console.SecureBrowser();

        var page = WebUtility.HtmlDecode(await browser.GetStringAsync("sign-in"));
        Assert.Contains("sign-in/oidc", page);
        Assert.DoesNotContain("sign-in/dev", page);

        var landed = await SignInThroughProviderAsync(browser, "/console/queue");

        Assert.Equal(HttpStatusCode.Redirect, landed.StatusCode);
        Assert.Equal("/console/queue", landed.Headers.Location!.OriginalString);
        // The gateway was asked about the provider's access token, not the ID token.
        Assert.Contains(console.Gateway.Requests, r => r is { Path: "/auth/me", Subject: "olga.s", Roles: "coordinator" });
        var queue = await browser.GetAsync("queue");
        Assert.Equal(HttpStatusCode.OK, queue.StatusCode);
        Assert.Contains("Olga Smirnova", WebUtility.HtmlDecode(await queue.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Someone_the_gateway_does_not_take_for_staff_gets_no_session_and_is_told_why()
    {
        console.Provider.NextUser = new("insurer-portal-user", "Portal", ["insurer"], "acme");
        using var browser = console.SecureBrowser();

        var refused = await SignInThroughProviderAsync(browser, "/console/queue");

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/console/sign-in?error=", refused.Headers.Location!.OriginalString);
        Assert.False(refused.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("medassist.console=", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("queue")).StatusCode);
    }

    /// <summary>What a browser does: the console sends it to the provider, which signs it in and posts the code back.</summary>
    private async Task<HttpResponseMessage> SignInThroughProviderAsync(HttpClient browser, string returnUrl)
    {
        var challenge = await browser.GetAsync($"sign-in/oidc?returnUrl={Uri.EscapeDataString(returnUrl)}&timeZone=Europe%2FMoscow");
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var authorize = challenge.Headers.Location!;
        Assert.StartsWith(console.Provider.Address.ToString().TrimEnd('/') + "/authorize?", authorize.ToString());
        Assert.Contains("code_challenge_method=S256", authorize.Query);

        using var providerBrowser = new HttpClient();
        var grant = await providerBrowser.GetFromJsonAsync<JsonElement>(authorize);
        var callback = new Uri(grant.GetProperty("redirectUri").GetString()!);
        Assert.Equal("/console/signin-oidc", callback.AbsolutePath);
        return await browser.PostAsync(callback.AbsolutePath.Replace("/console/", ""), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["code"] = grant.GetProperty("code").GetString()!,
            ["state"] = grant.GetProperty("state").GetString()!,
        }));
    }
}
