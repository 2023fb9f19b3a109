using Microsoft.Extensions.Hosting;
using System.Net;
using Platform.Gateway.Auth;

namespace Platform.Gateway.Tests;

public sealed class UnreachableRedisGatewayFactory : GatewayFactory
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        // Nothing listens on port 1.
        new("ConnectionStrings:redis", "127.0.0.1:1,connectTimeout=500,asyncTimeout=500,syncTimeout=500"),
        new("RateLimiting:PermitsPerMinute", "1"),
    ];
}

public sealed class RedisOutageTests(UnreachableRedisGatewayFactory gateway) : IClassFixture<UnreachableRedisGatewayFactory>
{
    [Fact]
    public async Task Requests_pass_without_a_rate_limit_while_Redis_is_unreachable()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("acme"));

        var first = await client.GetAsync("/api/cases/cases");
        var second = await client.GetAsync("/api/cases/cases");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public async Task A_request_with_an_Idempotency_Key_gets_503_problem_with_Retry_After_and_one_without_goes_through()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("acme"));
        var path = $"/appeals/{Guid.NewGuid():N}";

        var withKey = await client.SendAsync(IdempotencyTests.Post($"/api/intake{path}", "during-outage", "{}"));
        var withoutKey = await client.PostAsync($"/api/intake{path}", new StringContent("{}"));

        var problem = await ProblemAssert.IsProblemAsync(withKey, HttpStatusCode.ServiceUnavailable, ProblemTypes.Unavailable);
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.NotNull(withKey.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, withoutKey.StatusCode);
        Assert.Equal(1, gateway.Intake.Received("POST", path));
    }
}
