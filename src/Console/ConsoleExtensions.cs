using System.Globalization;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using MudBlazor.Services;
using Platform.Console.Api;
using Platform.Console.Components;
using Platform.Console.Session;
using StackExchange.Redis;

namespace Platform.Console;

public static class ConsoleExtensions
{
    public static WebApplicationBuilder AddConsole(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // The component library's files and Blazor's script are static web assets: served from the build output when
        // not published (./platform up runs the build), from wwwroot when published (the container image).
        builder.WebHost.UseStaticWebAssets();
        services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ConsoleOidcOptions>().BindConfiguration(ConsoleOidcOptions.Section);
        var options = builder.Configuration.GetSection(ConsoleOptions.Section).Get<ConsoleOptions>() ?? new ConsoleOptions();
        var oidc = builder.Configuration.GetSection(ConsoleOidcOptions.Section).Get<ConsoleOidcOptions>() ?? new ConsoleOidcOptions();

        // Redis: the cookie and the live screens' state are protected with one key ring on every replica, and the
        // development clock (when enabled) is the platform's.
        builder.AddRedis();
        services.AddDataProtection().SetApplicationName("medassist-console");
        services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((o, redis) =>
            o.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), "console:data-protection-keys"));

        services.AddHttpClient(GatewayClient.HttpClientName, (sp, http) =>
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<ConsoleOptions>>().Value.GatewayUrl!.ToString().TrimEnd('/') + "/"));
        services.AddScoped(sp => new GatewayClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(GatewayClient.HttpClientName),
            sp.GetRequiredService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>(),
            sp.GetRequiredService<ILogger<GatewayClient>>()));
        services.AddSingleton<StaffSignIn>();
        services.AddSingleton<LiveFeeds>();

        var authentication = services.AddAuthentication(StaffSignIn.Scheme)
            .AddCookie(StaffSignIn.Scheme, cookie =>
            {
                cookie.Cookie.Name = "medassist.console";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.LoginPath = "/sign-in";
                cookie.AccessDeniedPath = "/sign-in";
                cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
                cookie.SlidingExpiration = false;
            });
        if (oidc.Configured)
        {
            authentication.AddOpenIdConnect(OpenIdConnectDefaults.AuthenticationScheme, o =>
            {
                o.SignInScheme = StaffSignIn.Scheme;
                o.Authority = oidc.Authority;
                if (!string.IsNullOrWhiteSpace(oidc.MetadataAddress)) o.MetadataAddress = oidc.MetadataAddress;
                o.RequireHttpsMetadata = !builder.Environment.IsDevelopment();
                o.ClientId = oidc.ClientId;
                o.ClientSecret = oidc.ClientSecret;
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.UsePkce = true;
                o.SaveTokens = false;
                o.MapInboundClaims = false;
                foreach (var scope in (oidc.Scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)) o.Scope.Add(scope);
                o.Events.OnTokenValidated = async context =>
                {
                    // The access token is what the gateway accepts; the session is whoever the gateway says it is.
                    var token = context.TokenEndpointResponse?.AccessToken;
                    var signIn = context.HttpContext.RequestServices.GetRequiredService<StaffSignIn>();
                    context.Properties!.Items.TryGetValue(Staff.TimeZoneClaim, out var zone);
                    var (staff, refusal) = token is null
                        ? (null, Texts.T.NotStaff)
                        : await signIn.VerifyAsync(token, context.Principal?.FindFirst("name")?.Value, zone, context.HttpContext.RequestAborted);
                    if (staff is null)
                    {
                        context.Fail(refusal!);
                        return;
                    }
                    context.Principal = StaffSignIn.Principal(staff);
                    context.Properties.ExpiresUtc = StaffSignIn.Properties(staff).ExpiresUtc;
                };
                o.Events.OnRemoteFailure = context =>
                {
                    context.Response.Redirect(context.Request.PathBase + "/sign-in?error=" + Uri.EscapeDataString(context.Failure?.Message ?? Texts.T.NotStaff));
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
            });
        }
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();

        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            var cultures = Texts.T.Languages.Select(c => new CultureInfo(c)).ToList();
            o.DefaultRequestCulture = new RequestCulture("ru");
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            // The person's choice (cookie), else their browser's languages.
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });

        services.AddRazorComponents().AddInteractiveServerComponents(o => o.DetailedErrors = builder.Environment.IsDevelopment());
        services.AddMudServices();
        return builder;
    }

    public static WebApplication MapConsole(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value;
        // The gateway forwards /console/... as it is; the console also answers there when reached directly.
        app.UsePathBase(options.PathBase);
        // A person gets pages, not problem documents: a failure's page names its trace id; an address without a page,
        // or a form refused, gets a page saying so. Before routing, so the page is routed when re-executed.
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true);
        // Routing after the path base is taken off (else it would match the full path).
        app.UseRouting();
        app.MapDefaultEndpoints(problemDocuments: false);
        app.UseRequestLocalization();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapSignIn();
        app.MapCaseDocumentDownload();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
