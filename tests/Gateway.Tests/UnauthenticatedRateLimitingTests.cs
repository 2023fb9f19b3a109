using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Hosting;
using Platform.Gateway.Auth;
using Platform.Gateway.RateLimiting;

namespace Platform.Gateway.Tests;

public sealed class UnauthenticatedRateLimitedGatewayFactory : GatewayFactory
{
    public const string Proxy = "10.9.0.1";

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("RateLimiting:UnauthenticatedPermitsPerMinute", "3"),
        new("Gateway:TrustedProxies", "10.9.0.0/16"),
    ];
}

public sealed class UnauthenticatedRateLimitingTests(UnauthenticatedRateLimitedGatewayFactory gateway)
    : IClassFixture<UnauthenticatedRateLimitedGatewayFactory>
{
    [Fact]
    public async Task Fourth_request_without_credentials_in_a_minute_gets_429_problem_with_Retry_After()
    {
        await WindowAhead.EnsureAsync();
        using var client = ClientFrom(NewAddress());

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/cases/cases")).StatusCode);
        var response = await client.GetAsync("/api/cases/cases");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests, ProblemTypes.RateLimited);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        Assert.Equal((int)retryAfter.Value.TotalSeconds, problem.GetProperty("retryAfterSeconds").GetInt32());
        Assert.StartsWith(UnauthenticatedRateLimit.Reason, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Wrong_api_keys_and_bad_tokens_count_together_and_then_a_valid_key_from_that_address_is_refused_too()
    {
        await WindowAhead.EnsureAsync();
        var key = await gateway.IssueKeyAsync(Tenants.New("acme"));
        var address = NewAddress();

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(address, "X-Api-Key", "mak_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(address, "Authorization", "Bearer not.a.token")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(address, "X-Api-Key", "not-even-a-key")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(address, "X-Api-Key", "mak_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB")).StatusCode);

        // Over its budget, the address learns nothing from a guess that happens to be right.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(address, "X-Api-Key", key.ApiKey)).StatusCode);
    }

    [Fact]
    public async Task Another_address_and_an_authenticated_tenant_elsewhere_are_not_affected()
    {
        await WindowAhead.EnsureAsync();
        var key = await gateway.IssueKeyAsync(Tenants.New("acme"));
        using var hammering = ClientFrom(NewAddress());
        for (var i = 0; i < 5; i++) await hammering.GetAsync("/api/intake/appeals");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await hammering.GetAsync("/api/intake/appeals")).StatusCode);

        using var anonymous = ClientFrom(NewAddress());
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/intake/appeals")).StatusCode);
        using var insurer = ClientFrom(NewAddress());
        insurer.DefaultRequestHeaders.Add("X-Api-Key", key.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await insurer.GetAsync("/api/intake/appeals")).StatusCode);
    }

    [Fact]
    public async Task Clients_behind_a_trusted_proxy_are_counted_by_their_forwarded_address()
    {
        await WindowAhead.EnsureAsync();
        var hammering = NewAddress();
        var neighbour = NewAddress();

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await ViaProxyAsync(UnauthenticatedRateLimitedGatewayFactory.Proxy, hammering)).StatusCode);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await ViaProxyAsync(UnauthenticatedRateLimitedGatewayFactory.Proxy, hammering)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ViaProxyAsync(UnauthenticatedRateLimitedGatewayFactory.Proxy, neighbour)).StatusCode);
    }

    [Fact]
    public async Task An_untrusted_peer_cannot_escape_its_count_with_X_Forwarded_For()
    {
        await WindowAhead.EnsureAsync();
        var peer = NewAddress();

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await ViaProxyAsync(peer, NewAddress())).StatusCode);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await ViaProxyAsync(peer, NewAddress())).StatusCode);
    }

    [Fact]
    public async Task IPv6_clients_are_counted_per_64_bit_network()
    {
        await WindowAhead.EnsureAsync();
        var network = $"2001:db8:{Random.Shared.Next(0x10000):x}:{Random.Shared.Next(0x10000):x}";

        for (var i = 1; i <= 3; i++)
        {
            using var client = ClientFrom($"{network}::{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/cases/cases")).StatusCode);
        }

        using var fourth = ClientFrom($"{network}::4");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await fourth.GetAsync("/api/cases/cases")).StatusCode);
    }

    [Fact]
    public async Task Anonymous_endpoints_are_not_counted()
    {
        await WindowAhead.EnsureAsync();
        using var client = ClientFrom(NewAddress());

        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases/openapi/v1.json")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/cases/cases")).StatusCode);
    }

    /// <summary>A documentation address (TEST-NET-3) no other test uses, so the shared Redis windows never collide.</summary>
    private static string NewAddress() => $"203.0.{Random.Shared.Next(113, 256)}.{Random.Shared.Next(1, 255)}";

    private HttpClient ClientFrom(string address)
    {
        var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Add(PeerAddress.Header, address);
        return client;
    }

    private async Task<HttpResponseMessage> SendAsync(string address, string header, string value)
    {
        using var client = ClientFrom(address);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/cases/cases");
        if (header == "Authorization") request.Headers.Authorization = AuthenticationHeaderValue.Parse(value);
        else request.Headers.Add(header, value);
        return await client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> ViaProxyAsync(string peer, string forwardedFor)
    {
        using var client = ClientFrom(peer);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/cases/cases");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await client.SendAsync(request);
    }
}

public sealed class ClientKeyTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    public void Addresses_are_keyed_by_IPv4_address_or_IPv6_64_network(string address, string key) =>
        Assert.Equal(key, UnauthenticatedRateLimit.ClientKey(IPAddress.Parse(address)));
}
