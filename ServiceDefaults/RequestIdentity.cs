using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The caller as verified and stamped by the gateway. Services behind the gateway trust these headers and nothing
/// else a client says about itself; the gateway strips any copy a client sends.
/// </summary>
public sealed record RequestIdentity(string TenantId, string ActorId, string ActorKind, IReadOnlyList<string> Roles)
{
    public const string TenantHeader = "X-Tenant-Id";
    public const string ActorHeader = "X-Actor-Id";
    public const string ActorKindHeader = "X-Actor-Kind";
    public const string RolesHeader = "X-Actor-Roles";

    /// <summary>All headers that carry identity; the gateway removes these from every incoming request.</summary>
    public static readonly string[] Headers = [TenantHeader, ActorHeader, ActorKindHeader, RolesHeader];

    public bool IsInRole(string role) => Roles.Contains(role, StringComparer.OrdinalIgnoreCase);

    public static RequestIdentity? FromHeaders(IHeaderDictionary headers)
    {
        var tenant = headers[TenantHeader].ToString();
        if (string.IsNullOrWhiteSpace(tenant)) return null;
        var roles = headers[RolesHeader].ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new RequestIdentity(tenant, headers[ActorHeader].ToString(), headers[ActorKindHeader].ToString(), roles);
    }

    /// <summary>Minimal-API binding: a handler parameter of this type receives the stamped identity.</summary>
    public static ValueTask<RequestIdentity?> BindAsync(HttpContext context) =>
        ValueTask.FromResult(context.Items[typeof(RequestIdentity)] as RequestIdentity ?? FromHeaders(context.Request.Headers));
}

public static class TenantEndpointExtensions
{
    /// <summary>Every endpoint of the group needs a tenant stamped by the gateway; without one the answer is 401.</summary>
    public static RouteGroupBuilder RequireTenant(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (ctx, next) =>
        {
            var identity = RequestIdentity.FromHeaders(ctx.HttpContext.Request.Headers);
            if (identity is null)
            {
                return TypedResults.Problem("No tenant identity was presented.", statusCode: StatusCodes.Status401Unauthorized,
                    title: "Unauthenticated.", type: ProblemTypes.Unauthenticated);
            }
            ctx.HttpContext.Items[typeof(RequestIdentity)] = identity;
            return await next(ctx);
        });
        return group;
    }
}
