using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Tokens;
using Platform.Gateway.ApiKeys;
using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Auth;

/// <summary>
/// Answers 401 and 403 with problem documents (the schemes only set the status and WWW-Authenticate), for the admin
/// API and the proxied routes alike: YARP routes go through the same authorization middleware. Every 401 is counted
/// against the client address (<see cref="UnauthenticatedRateLimit"/>); an address over its budget gets 429 instead.
/// </summary>
internal sealed class ProblemAuthorizationResultHandler(UnauthenticatedRateLimit unauthenticated) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Challenged)
        {
            if (await unauthenticated.CountAsync(context) is { } wait)
            {
                await FixedWindow.RejectAsync(context, wait, UnauthenticatedRateLimit.Reason);
                return;
            }
            // Lets the scheme chosen for this request add its WWW-Authenticate header.
            await context.ChallengeAsync();
            await context.WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthenticated.", await ChallengeDetailAsync(context), ProblemTypes.Unauthenticated);
        }
        else if (unauthenticated.OverBudgetFor(context) is { } wait)
        {
            await FixedWindow.RejectAsync(context, wait, UnauthenticatedRateLimit.Reason);
        }
        else if (result.Forbidden)
        {
            await context.WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden.", ForbiddenDetail(result), ProblemTypes.Forbidden);
        }
        else
        {
            await _default.HandleAsync(next, context, policy, result);
        }
    }

    private static async Task<string> ChallengeDetailAsync(HttpContext context)
    {
        // Handlers cache their result per request, so this does not look the key up again.
        var failure = (await context.AuthenticateAsync()).Failure;
        return failure switch
        {
            null => "Present an insurer API key (X-Api-Key or 'Authorization: ApiKey <key>') or a staff bearer token.",
            ApiKeyRejectedException rejected => rejected.Message,
            SecurityTokenExpiredException => "The bearer token has expired.",
            _ => "The bearer token is not valid.",
        };
    }

    private static string ForbiddenDetail(PolicyAuthorizationResult result)
    {
        var failure = result.AuthorizationFailure;
        var reason = failure?.FailureReasons.Select(r => r.Message).FirstOrDefault();
        if (reason is not null) return reason;

        var roles = failure?.FailedRequirements.OfType<RolesAuthorizationRequirement>().FirstOrDefault();
        return roles is not null
            ? $"This operation needs the role {string.Join(" or ", roles.AllowedRoles)}."
            : "You are not allowed to do this.";
    }
}
