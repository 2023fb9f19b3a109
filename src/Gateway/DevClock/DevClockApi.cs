using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Gateway.Auth;
using StackExchange.Redis;

namespace Platform.Gateway.DevClock;

public sealed record ClockRequest(TimeSpan? Offset);

public sealed record ClockState(TimeSpan Offset, DateTimeOffset Now);

/// <summary>
/// Moves the whole platform's clock forward, for end-to-end tests of promises, control calls and deadlines. Mapped only
/// when <c>DevClock:Enabled</c> is true (the test orchestration sets it); an administrator's operation even then. Left
/// out of the API document: it is no part of the API clients code against, and the document (and the client generated
/// from it) stays the same whether the clock is enabled or not.
/// </summary>
public static class DevClockApi
{
    public static IEndpointRouteBuilder MapDevClockApi(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        if (!configuration.GetValue<bool>("DevClock:Enabled")) return app;
        var group = app.MapGroup("/admin/dev-clock").WithTags("Development clock").RequireAuthorization(GatewayAuth.AdminPolicy)
            .ExcludeFromDescription();
        group.MapGet("/", (TimeProvider clock) => TypedResults.Ok(State(clock)));
        group.MapPut("/", async Task<Results<Ok<ClockState>, ValidationProblem>> (ClockRequest request, IConnectionMultiplexer redis, TimeProvider clock) =>
        {
            if (request.Offset is not { } offset || offset < TimeSpan.Zero || offset > TimeSpan.FromDays(400))
                return Problems.Validation("offset", "The offset is a non-negative time span of at most 400 days, e.g. \"1.02:00:00\".");
            await Microsoft.Extensions.Hosting.DevClock.SetOffsetAsync(redis, offset);
            return TypedResults.Ok(new ClockState(offset, TimeProvider.System.GetUtcNow() + offset));
        }).WithSummary("Sets the platform clock to system time plus the offset (tests only)");
        return app;
    }

    private static ClockState State(TimeProvider clock) =>
        new(clock is Microsoft.Extensions.Hosting.DevClock dev ? dev.Offset : TimeSpan.Zero, clock.GetUtcNow());
}
