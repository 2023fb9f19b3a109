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
}
