using Microsoft.AspNetCore.Authorization;

namespace Platform.Gateway.Auth;

/// <summary>Service routes act for exactly one insurer: an API key's tenant, or the tenant claim of a staff token.</summary>
public sealed class TenantRequirement : AuthorizationHandler<TenantRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, TenantRequirement requirement)
    {
        if (Caller.From(context.User)?.TenantId is not null)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this,
                "This route acts for an insurer: use an insurer API key, or a staff token with a tenant claim."));
        }
        return Task.CompletedTask;
    }
}
