using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The caller as verified and stamped by the gateway. Services behind the gateway trust these headers, when the
/// gateway's signature over them holds, and nothing else a client says about itself; the gateway strips any copy a
/// client sends (and, in Kubernetes, a network policy lets only the gateway reach a service).
/// </summary>
public sealed record RequestIdentity(string TenantId, string ActorId, string ActorKind, IReadOnlyList<string> Roles)
{
    public const string TenantHeader = "X-Tenant-Id";
    public const string ActorHeader = "X-Actor-Id";
    public const string ActorKindHeader = "X-Actor-Kind";
    public const string RolesHeader = "X-Actor-Roles";

    /// <summary>All headers that carry identity; the gateway removes these from every incoming request.</summary>
    public static readonly string[] Headers = [TenantHeader, ActorHeader, ActorKindHeader, RolesHeader, GatewayStamp.Header];

    /// <summary>The clinic's code when a clinic's own key calls (actor <c>clinic:{code}</c>); empty for anyone else, which matches no clinic.</summary>
    public string ClinicCode => ActorId.StartsWith(Microsoft.Extensions.Hosting.Roles.ClinicActorPrefix, StringComparison.Ordinal)
        ? ActorId[Microsoft.Extensions.Hosting.Roles.ClinicActorPrefix.Length..] : "";

    public const string TenantClaim = "tenant";
    public const string ActorKindClaim = "actor_kind";

    /// <summary>Minimal-API binding: a handler parameter of this type receives the identity of an authenticated request.</summary>
    public static ValueTask<RequestIdentity?> BindAsync(HttpContext context) => ValueTask.FromResult(FromPrincipal(context.User));

    public static RequestIdentity? FromPrincipal(ClaimsPrincipal user) =>
        user.FindFirst(TenantClaim)?.Value is { Length: > 0 } tenant
            ? new RequestIdentity(tenant, user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "",
                user.FindFirst(ActorKindClaim)?.Value ?? "", user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToArray())
            : null;
}

/// <summary>
/// Authenticates requests by the identity headers the gateway stamped, and only when the gateway's signature over them
/// (<see cref="GatewayStamp"/>) holds: identity headers from anyone else are refused with 401.
/// </summary>
public sealed class GatewayIdentityHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptions<GatewayStampOptions> stamp)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Gateway";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers;
        var tenant = headers[RequestIdentity.TenantHeader].ToString();
        if (string.IsNullOrWhiteSpace(tenant)) return Task.FromResult(AuthenticateResult.NoResult());

        var identity = new RequestIdentity(tenant, headers[RequestIdentity.ActorHeader].ToString(),
            headers[RequestIdentity.ActorKindHeader].ToString(),
            headers[RequestIdentity.RolesHeader].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        // Wall-clock time, not the platform's (possibly moved) business clock.
        var problem = GatewayStamp.Verify(stamp.Value.IdentitySecret!, headers[GatewayStamp.Header].ToString(), DateTimeOffset.UtcNow,
            Request.Method, Request.Path.Value + Request.QueryString.Value, identity);
        if (problem is not null)
        {
            Logger.LogWarning("Refused identity headers with {Problem} from {Remote}", problem, Context.Connection.RemoteIpAddress);
            return Task.FromResult(AuthenticateResult.Fail("The request did not come through the gateway."));
        }

        var claims = new List<Claim>
        {
            new(RequestIdentity.TenantClaim, identity.TenantId),
            new(ClaimTypes.NameIdentifier, identity.ActorId),
            new(RequestIdentity.ActorKindClaim, identity.ActorKind),
        };
        claims.AddRange(identity.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}

public static class GatewayIdentityExtensions
{
    /// <summary>
    /// For services behind the gateway: authenticate by its stamped headers; authorize by <see cref="Access"/>'s classes,
    /// refusing whatever endpoint declares none.
    /// </summary>
    public static IServiceCollection AddGatewayIdentity(this IServiceCollection services)
    {
        services.AddOptions<GatewayStampOptions>().BindConfiguration(GatewayStampOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddAuthentication(GatewayIdentityHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, GatewayIdentityHandler>(GatewayIdentityHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddAccessPolicies();
        return services;
    }
}
