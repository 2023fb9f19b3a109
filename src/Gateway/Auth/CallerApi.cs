namespace Platform.Gateway.Auth;

/// <summary>The caller as the gateway verified it: what the services will be told in the stamped identity.</summary>
public sealed record CallerResponse(string ActorId, string ActorKind, string? TenantId, IReadOnlyList<string> Roles);

/// <summary>
/// <c>GET /auth/me</c>: who the gateway takes the credential for. The console signs staff in with it (a token from the
/// identity provider or the development key is reduced here to the same identity every request gets), so it needs no
/// claim mapping of its own; any client may use it to check its credential.
/// </summary>
public static class CallerApi
{
    public static IEndpointRouteBuilder MapCallerApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/auth/me", (HttpContext context) =>
                Caller.From(context.User) is { } caller
                    ? Results.Ok(new CallerResponse(caller.ActorId, caller.ActorKind, caller.TenantId, caller.Roles))
                    : Problems.Unauthenticated("The credential names no caller."))
            .WithTags("Caller")
            .Produces<CallerResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("The caller the credential stands for: actor, kind (insurer, staff, clinic), tenant and roles");
        return app;
    }
}
