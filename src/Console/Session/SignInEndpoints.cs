using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;
using Platform.Console.Texts;

namespace Platform.Console.Session;

/// <summary>Signing in and out, and the language switch (plain requests: they set cookies, which a live screen cannot).</summary>
public static class SignInEndpoints
{
    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder app)
    {
        // The antiforgery token is checked by the handler itself, so that a stale form gets the sign-in page saying so.
        app.MapPost("/sign-in/dev", DevSignInAsync).AllowAnonymous().DisableAntiforgery();
        app.MapGet("/sign-in/oidc", (string? returnUrl, string? timeZone, HttpContext context, IOptions<ConsoleOidcOptions> oidc) =>
        {
            if (!oidc.Value.Configured) return Results.Redirect("../sign-in");
            var properties = new AuthenticationProperties { RedirectUri = ConsoleUrl(context.Request, returnUrl) };
            properties.Items[Staff.TimeZoneClaim] = timeZone;
            return Results.Challenge(properties, [OpenIdConnectDefaults.AuthenticationScheme]);
        }).AllowAnonymous();
        app.MapPost("/sign-out", async (HttpContext context) =>
        {
            await context.SignOutAsync(StaffSignIn.Scheme);
            return Results.Redirect(context.Request.PathBase + "/sign-in");
        });
        app.MapGet("/language/{code}", (string code, string? returnUrl, HttpContext context) =>
        {
            if (!T.Languages.Contains(code)) return Results.Redirect(ConsoleUrl(context.Request, returnUrl));
            context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(code)),
                new CookieOptions { Path = context.Request.PathBase.HasValue ? context.Request.PathBase.Value : "/", MaxAge = TimeSpan.FromDays(365),
                    HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
            return Results.Redirect(ConsoleUrl(context.Request, returnUrl));
        }).AllowAnonymous();
        return app;
    }

    private static async Task<IResult> DevSignInAsync(HttpContext context, IAntiforgery antiforgery,
        IOptions<ConsoleOptions> options, IConfiguration configuration, StaffSignIn signIn, CancellationToken ct)
    {
        var key = configuration["Auth:Jwt:SigningKey"];
        // Switched off: the sign-in page says how people sign in here instead.
        if (!options.Value.DevSignIn || string.IsNullOrEmpty(key)) return Results.Redirect(context.Request.PathBase + "/sign-in");
        if (!context.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(context))
            return Results.Redirect(context.Request.PathBase + "/sign-in?error=" + Uri.EscapeDataString(T.FormExpired));
        var fields = await context.Request.ReadFormAsync(ct);
        string? Field(string name) => fields.TryGetValue(name, out var value) ? value.ToString() : null;
        var form = (Name: Field("name"), Tenant: Field("tenant"), Roles: fields["roles"].OfType<string>().ToArray(),
            TimeZone: Field("timeZone"), ReturnUrl: Field("returnUrl"));

        var back = context.Request.PathBase + "/sign-in?returnUrl=" + Uri.EscapeDataString(form.ReturnUrl ?? "") + "&name=" +
                   Uri.EscapeDataString(form.Name ?? "") + "&tenant=" + Uri.EscapeDataString(form.Tenant ?? "") + "&error=";
        var granted = (form.Roles ?? []).Where(Staff.ConsoleRoles.Contains).Distinct().ToArray();
        var problem = string.IsNullOrWhiteSpace(form.Name) || form.Name.Length > 100 ? T.NameRequired
            : form.Tenant is null || !System.Text.RegularExpressions.Regex.IsMatch(form.Tenant, "^[a-z0-9][a-z0-9-]{1,62}$") ? T.TenantInvalid
            : granted.Length == 0 ? T.RoleRequired
            : null;
        if (problem is not null) return Results.Redirect(back + Uri.EscapeDataString(problem));

        // The subject is the login as typed, lower-case: it is what tasks and cases record as their coordinator.
        var token = DevTokens.Mint(key, form.Name!.Trim().ToLowerInvariant(), granted, form.Tenant, TimeSpan.FromHours(12));
        var (staff, refusal) = await signIn.VerifyAsync(token, form.Name, form.TimeZone, ct);
        if (staff is null) return Results.Redirect(back + Uri.EscapeDataString(refusal!));

        await context.SignInAsync(StaffSignIn.Scheme, StaffSignIn.Principal(staff), StaffSignIn.Properties(staff));
        return Results.Redirect(ConsoleUrl(context.Request, form.ReturnUrl));
    }

    /// <summary>A path inside the console (never another site), with the console's path base: its start page when the given one is not.</summary>
    public static string ConsoleUrl(HttpRequest request, string? url)
    {
        var local = url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
        return request.PathBase.HasValue && local.StartsWith(request.PathBase.Value!, StringComparison.OrdinalIgnoreCase)
            ? local
            : request.PathBase + local;
    }
}
