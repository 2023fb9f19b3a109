using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Platform.Gateway.Auth;

namespace Platform.Gateway.ApiKeys;

/// <summary>Authenticates insurers (and clinics of their networks) by <c>X-Api-Key: &lt;key&gt;</c> or <c>Authorization: ApiKey &lt;key&gt;</c>.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string HeaderName = "X-Api-Key";
    private const string AuthorizationScheme = "ApiKey";

    public static bool IsPresentedIn(HttpRequest request) =>
        request.Headers.ContainsKey(HeaderName) || HasApiKeyAuthorization(request);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = new List<string>();
        presented.AddRange(Request.Headers[HeaderName].Where(v => v is not null)!);
        if (HasApiKeyAuthorization(Request))
        {
            presented.Add(Request.Headers.Authorization.ToString()[AuthorizationScheme.Length..].Trim());
        }

        if (presented.Count == 0) return AuthenticateResult.NoResult();
        if (presented.Count > 1) return Reject("Present exactly one API key.");

        var key = presented[0].Trim();
        var verified = ApiKeySecret.HasValidShape(key) ? await keys.VerifyAsync(key, Context.RequestAborted) : null;
        if (verified is null) return Reject("The API key is not valid or has been revoked.");

        // A clinic's key acts as that clinic (actor clinic:{code}) and nothing else; an insurer's key as the insurer.
        var clinic = verified.Role == Roles.Clinic;
        var identity = new ClaimsIdentity(
            [
                new Claim(GatewayAuth.SubjectClaim, clinic ? Roles.ClinicActorPrefix + verified.ClinicCode : verified.KeyId.ToString()),
                new Claim(GatewayAuth.TenantClaim, verified.TenantId),
                new Claim(GatewayAuth.RoleClaim, clinic ? Roles.Clinic : Roles.Insurer),
            ],
            clinic ? GatewayAuth.ClinicIdentity : GatewayAuth.InsurerIdentity, GatewayAuth.SubjectClaim, GatewayAuth.RoleClaim);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, AuthorizationScheme);
        return Task.CompletedTask;
    }

    private static bool HasApiKeyAuthorization(HttpRequest request) =>
        request.Headers.Authorization.ToString() is var value &&
        value.Length > AuthorizationScheme.Length &&
        value.StartsWith(AuthorizationScheme + " ", StringComparison.OrdinalIgnoreCase);

    private static AuthenticateResult Reject(string message) => AuthenticateResult.Fail(new ApiKeyRejectedException(message));
}

/// <summary>Why an API key was refused; its message is safe to show the caller.</summary>
public sealed class ApiKeyRejectedException(string message) : Exception(message);
