using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Gateway.Auth;

namespace Platform.Gateway.Tests;

public sealed class RateLimitedGatewayFactory : GatewayFactory
{
    public const string GenerousTenant = "generous-tenant";
    public const string BusyTenant = "busy-tenant";

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("RateLimiting:PermitsPerMinute", "3"),
        new($"RateLimiting:Tenants:{GenerousTenant}", "5"),
        new($"RateLimiting:Tenants:{BusyTenant}", "300"),
    ];
}

public sealed class RateLimitingTests(RateLimitedGatewayFactory gateway) : IClassFixture<RateLimitedGatewayFactory>
{
    [Fact]
    public async Task Fourth_request_in_a_minute_gets_429_problem_with_Retry_After()
    {
        await WindowAhead.EnsureAsync();
        var key = await gateway.IssueKeyAsync(Tenants.New("busy"));
        using var client = gateway.CreateInsurerClient(key.ApiKey);

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases/cases")).StatusCode);
        var response = await client.GetAsync("/api/cases/cases");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests, ProblemTypes.RateLimited);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        Assert.Equal((int)retryAfter.Value.TotalSeconds, problem.GetProperty("retryAfterSeconds").GetInt32());
    }

    [Fact]
    public async Task Limit_counts_per_tenant_whatever_the_credential()
    {
        await WindowAhead.EnsureAsync();
        var tenant = Tenants.New("shared");
        var first = await gateway.IssueKeyAsync(tenant);
        var second = await gateway.IssueKeyAsync(tenant);
        using var insurer1 = gateway.CreateInsurerClient(first.ApiKey);
        using var insurer2 = gateway.CreateInsurerClient(second.ApiKey);
        using var staff = gateway.CreateStaffClient("carol", [Roles.Coordinator], tenant);
        using var otherTenant = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("calm"));

        Assert.Equal(HttpStatusCode.OK, (await insurer1.GetAsync("/api/cases/cases")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await insurer2.GetAsync("/api/intake/appeals")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/api/cases/cases")).StatusCode);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await insurer2.GetAsync("/api/cases/cases")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await otherTenant.GetAsync("/api/cases/cases")).StatusCode);
    }

    [Fact]
    public async Task Tenant_override_raises_its_limit()
    {
        await WindowAhead.EnsureAsync();
        await gateway.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>().GetDatabase()
            .ExecuteAsync("EVAL", "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end return 0", 0,
                $"gateway:rate:{RateLimitedGatewayFactory.GenerousTenant}:*");
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], RateLimitedGatewayFactory.GenerousTenant);

        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases/cases")).StatusCode);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/api/cases/cases")).StatusCode);
    }
}

public sealed class A_busy_tenants_limit(RateLimitedGatewayFactory gateway) : IClassFixture<RateLimitedGatewayFactory>
{
    [Fact]
    public async Task Is_claimed_from_Redis_in_chunks_of_one_percent_and_still_never_exceeded()
    {
        await WindowAhead.EnsureAsync();
        var db = gateway.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>().GetDatabase();
        await db.ExecuteAsync("EVAL", "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end return 0", 0,
            $"gateway:rate:{RateLimitedGatewayFactory.BusyTenant}:*");
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], RateLimitedGatewayFactory.BusyTenant);
        var key = $"gateway:rate:{RateLimitedGatewayFactory.BusyTenant}:{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000}";

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases/cases")).StatusCode);
        var afterOne = (long)await db.StringGetAsync(key);
        for (var i = 1; i < 300; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases/cases")).StatusCode);
        var refused = await client.GetAsync("/api/cases/cases");

        Assert.Equal(3, afterOne); // the first request claimed a chunk of 3 (1 % of 300)
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True((long)await db.StringGetAsync(key) >= 300);
    }
}

internal static class WindowAhead
{
    /// <summary>The windows are calendar minutes: start a test's requests early enough to all fall in one.</summary>
    public static async Task EnsureAsync()
    {
        var second = DateTimeOffset.UtcNow.Second;
        if (second >= 50) await Task.Delay(TimeSpan.FromSeconds(61 - second));
    }
}
