using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.IdentityModel.JsonWebTokens;
using Platform.Console.Api;
using Platform.Console.Texts;

namespace Platform.Console.Session;

/// <summary>What the gateway says of a credential (<c>GET /auth/me</c>).</summary>
public sealed record CallerInfo(string ActorId, string ActorKind, string? TenantId, IReadOnlyList<string> Roles);

/// <summary>
/// Turns a staff token into a console session: the gateway verifies it and says who it stands for (the console maps no
/// claims of its own, so a token from the identity provider and a development one end the same), and only staff with
/// a console role and an organisation get in.
/// </summary>
public sealed class StaffSignIn(IHttpClientFactory clients, ILogger<StaffSignIn> logger)
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;

    public async Task<(Staff? Staff, string? Refusal)> VerifyAsync(string token, string? name, string? timeZone, CancellationToken ct)
    {
        CallerInfo? caller;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "auth/me");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await clients.CreateClient(GatewayClient.HttpClientName).SendAsync(request, ct);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) return (null, T.NotStaff);
            if (!response.IsSuccessStatusCode) return (null, T.ServiceDown);
            caller = await response.Content.ReadFromJsonAsync<CallerInfo>(ConsoleJson.Options, ct);
        }
        catch (Exception e) when (GatewayClient.Unreachable(e) || e is TaskCanceledException)
        {
            logger.LogWarning(e, "The gateway could not verify a sign-in");
            return (null, T.GatewayUnreachable);
        }

        var roles = caller?.Roles.Where(Staff.ConsoleRoles.Contains).ToArray() ?? [];
        if (caller is null || caller.ActorKind != "staff" || roles.Length == 0) return (null, T.NotStaff);
        if (caller.TenantId is null) return (null, T.NoTenant);

        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone ?? "", out var found) ? found : TimeZoneInfo.Utc;
        var expires = ExpiryOf(token);
        return (new Staff(caller.ActorId, string.IsNullOrWhiteSpace(name) ? caller.ActorId : name.Trim(), caller.TenantId,
            roles, token, expires, zone), null);
    }

    public static ClaimsPrincipal Principal(Staff staff) =>
        new(new ClaimsIdentity(staff.ToClaims(), Scheme, ClaimTypes.Name, DevTokens.RoleClaim));

    /// <summary>The session ends when the token does (an opaque token: after the cookie's own lifetime).</summary>
    public static AuthenticationProperties Properties(Staff staff) => new()
    {
        IsPersistent = false,
        ExpiresUtc = staff.ExpiresAt == DateTimeOffset.MaxValue ? null : staff.ExpiresAt,
    };

    private static DateTimeOffset ExpiryOf(string token)
    {
        try
        {
            return new JsonWebToken(token).ValidTo is var to && to > DateTime.MinValue ? new DateTimeOffset(to, TimeSpan.Zero) : DateTimeOffset.MaxValue;
        }
        catch (ArgumentException)
        {
            return DateTimeOffset.MaxValue;
        }
    }
}
