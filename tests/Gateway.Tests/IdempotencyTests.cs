using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Gateway.Idempotency;
using StackExchange.Redis;

namespace Platform.Gateway.Tests;

public sealed class IdempotencyTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task A_repeat_gets_the_first_answer_replayed_and_the_service_runs_once()
    {
        var tenant = Tenants.New("acme");
        var path = $"/appeals/{Guid.NewGuid():N}";
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], tenant);

        var first = await client.SendAsync(Post($"/api/intake{path}?echo-status=201&echo-location=/api/intake{path}/1", "call-0001", """{"a":1}"""));
        var second = await client.SendAsync(Post($"/api/intake{path}?echo-status=201&echo-location=/api/intake{path}/1", "call-0001", """{"a":1}"""));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Content.Headers.ContentType, second.Content.Headers.ContentType);
        Assert.Equal($"/api/intake{path}/1", second.Headers.Location?.ToString());
        Assert.Equal(1, gateway.Intake.Received("POST", path));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task Every_mutating_method_of_every_service_is_covered(string method)
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("acme"));
        var path = $"/cases/{Guid.NewGuid():N}";

        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/cases{path}") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", "k-1");
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
        }

        Assert.Equal(1, gateway.Cases.Received(method, path));
    }

    [Fact]
    public async Task The_same_key_with_another_body_or_path_gets_422_naming_the_header()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("acme"));
        var path = $"/api/intake/appeals/{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Post(path, "reused", """{"policy":"TRV-A"}"""))).StatusCode);

        var otherBody = await client.SendAsync(Post(path, "reused", """{"policy":"TRV-B"}"""));
        var otherQuery = await client.SendAsync(Post(path + "?x=1", "reused", """{"policy":"TRV-A"}"""));

        foreach (var response in new[] { otherBody, otherQuery })
        {
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, ProblemTypes.Validation);
            Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        }
    }

    [Fact]
    public async Task A_repeat_while_the_first_is_still_running_gets_409_with_Retry_After_then_the_answer()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("acme"));
        var name = Guid.NewGuid().ToString("N");
        var gate = gateway.Intake.GateFor(name);
        var uri = $"/api/intake/appeals?echo-gate={name}";

        var first = client.SendAsync(Post(uri, "slow-1", "{}"));
        await gate.Entered;
        var meanwhile = await client.SendAsync(Post(uri, "slow-1", "{}"));
        gate.Open();
        var answer = await first;
        var after = await client.SendAsync(Post(uri, "slow-1", "{}"));

        var problem = await ProblemAssert.IsProblemAsync(meanwhile, HttpStatusCode.Conflict, ProblemTypes.Conflict);
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.NotNull(meanwhile.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("true", after.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task A_5xx_answer_is_not_stored_and_the_retry_runs_again()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("acme"));
        var path = $"/appeals/{Guid.NewGuid():N}";

        var first = await client.SendAsync(Post($"/api/intake{path}?echo-status=503", "flaky", "{}"));
        var retry = await client.SendAsync(Post($"/api/intake{path}?echo-status=503", "flaky", "{}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, retry.StatusCode);
        Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, gateway.Intake.Received("POST", path));
    }

    [Fact]
    public async Task A_4xx_answer_is_stored_like_any_other()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("acme"));
        var path = $"/appeals/{Guid.NewGuid():N}";

        await client.SendAsync(Post($"/api/intake{path}?echo-status=409", "taken", "{}"));
        var retry = await client.SendAsync(Post($"/api/intake{path}?echo-status=409", "taken", "{}"));

        Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, gateway.Intake.Received("POST", path));
    }

    [Fact]
    public async Task A_large_answer_is_kept_compressed_and_replayed_byte_for_byte()
    {
        var tenant = Tenants.New("acme");
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], tenant);
        var path = $"/appeals/{Guid.NewGuid():N}";
        var uri = $"/api/intake{path}?echo-status=201&echo-pad=6000";

        var first = await client.SendAsync(Post(uri, "large-answer", "{}"));
        var firstBody = await first.Content.ReadAsByteArrayAsync();
        var second = await client.SendAsync(Post(uri, "large-answer", "{}"));

        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(firstBody, await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(firstBody.Length, second.Content.Headers.ContentLength);
        Assert.Equal(1, gateway.Intake.Received("POST", path));
        var redis = gateway.Services.GetRequiredService<IConnectionMultiplexer>();
        var stored = Assert.Single(await StoredKeysAsync(redis, tenant));
        Assert.Equal("br", (string?)await redis.GetDatabase().HashGetAsync(stored, "encoding"));
        Assert.InRange((long)await redis.GetDatabase().HashStringLengthAsync(stored, "body"), 1, firstBody.Length / 4);
    }

    [Fact]
    public void A_small_or_incompressible_answer_is_kept_as_it_is()
    {
        var small = Encoding.UTF8.GetBytes("""{"id":"01a23c72-84a8-77bf-a152-a1e2eb3bfd48","status":"open"}""");
        var random = RandomNumberGenerator.GetBytes(4096);

        Assert.Equal((small, ""), StoredBody.Write(small));
        Assert.Equal((random, ""), StoredBody.Write(random));
        Assert.Equal(random, StoredBody.Read(random, null)); // kept before answers were compressed: no encoding field
    }

    [Fact]
    public async Task One_tenants_key_is_not_visible_to_another()
    {
        using var acme = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("acme"));
        var key = await gateway.IssueKeyAsync(Tenants.New("bravo"));
        using var bravo = gateway.CreateInsurerClient(key.ApiKey);
        var path = $"/appeals/{Guid.NewGuid():N}";

        var fromAcme = await acme.SendAsync(Post($"/api/intake{path}", "same-key", "{}"));
        var fromBravo = await bravo.SendAsync(Post($"/api/intake{path}", "same-key", "{}"));

        Assert.Equal(HttpStatusCode.OK, fromAcme.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fromBravo.StatusCode);
        Assert.False(fromBravo.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, gateway.Intake.Received("POST", path));
    }

    [Fact]
    public async Task A_stored_answer_is_kept_for_the_retention()
    {
        var tenant = Tenants.New("acme");
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], tenant);

        await client.SendAsync(Post("/api/intake/appeals", "kept", "{}"));

        var redis = gateway.Services.GetRequiredService<IConnectionMultiplexer>();
        var stored = Assert.Single(await StoredKeysAsync(redis, tenant));
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(stored);
        Assert.InRange(ttl!.Value, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
    }

    [Theory]
    [InlineData("ключ-1")]
    [InlineData("a-key-that-is-far-too-long")]
    public async Task A_malformed_key_gets_400_naming_the_header(string key)
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("acme"));
        if (key.StartsWith('a')) key = string.Concat(Enumerable.Repeat(key, 10));

        var response = await client.SendAsync(Post("/api/intake/appeals", key, "{}"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
    }

    [Fact]
    public async Task A_body_over_the_cap_gets_413_and_reserves_nothing()
    {
        var tenant = Tenants.New("acme");
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], tenant);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/intake/appeals") { Content = new UnsizedContent(5000) };
        request.Headers.Add("Idempotency-Key", "too-big");

        var response = await client.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
        Assert.Empty(await StoredKeysAsync(gateway.Services.GetRequiredService<IConnectionMultiplexer>(), tenant));
    }

    [Fact]
    public async Task Reads_ignore_the_header()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("acme"));
        var path = $"/appeals/{Guid.NewGuid():N}";

        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/intake{path}");
            request.Headers.Add("Idempotency-Key", "read");
            Assert.False((await client.SendAsync(request)).Headers.Contains("Idempotent-Replayed"));
        }
        Assert.Equal(2, gateway.Intake.Received("GET", path));
    }

    [Fact]
    public async Task Service_api_documents_name_the_header_on_every_mutating_operation()
    {
        using var client = gateway.CreateClient();

        var document = JsonDocument.Parse(await client.GetStringAsync("/api/intake/openapi/v1.json")).RootElement;

        var paths = document.GetProperty("paths");
        foreach (var (path, method) in new[] { ("/appeals", "post"), ("/appeals/{id}", "put"), ("/appeals/{id}", "patch"), ("/appeals/{id}", "delete") })
        {
            var parameters = paths.GetProperty(path).GetProperty(method).GetProperty("parameters").EnumerateArray().ToList();
            Assert.Contains(parameters, p => p.TryGetProperty("$ref", out var r) && r.GetString() == "#/components/parameters/Idempotency-Key");
        }
        // The service's own parameters stay; reads get nothing.
        Assert.Contains(paths.GetProperty("/appeals").GetProperty("post").GetProperty("parameters").EnumerateArray(),
            p => p.TryGetProperty("name", out var n) && n.GetString() == "X-Request-Source");
        Assert.False(paths.GetProperty("/appeals").GetProperty("get").TryGetProperty("parameters", out _));
        var parameter = document.GetProperty("components").GetProperty("parameters").GetProperty("Idempotency-Key");
        Assert.Equal("header", parameter.GetProperty("in").GetString());
        Assert.Equal(200, parameter.GetProperty("schema").GetProperty("maxLength").GetInt32());
    }

    internal static HttpRequestMessage Post(string uri, string key, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return request;
    }

    internal static async Task<List<RedisKey>> StoredKeysAsync(IConnectionMultiplexer redis, string tenant)
    {
        var keys = (RedisResult[])(await redis.GetDatabase().ExecuteAsync("KEYS", $"gateway:idempotency:{tenant}:*"))!;
        return keys.Select(k => new RedisKey((string?)k)).ToList();
    }
}

/// <summary>Answers kept for two seconds, at most 2 KB of them, and a cases service nobody answers for.</summary>
public sealed class ShortRetentionGatewayFactory : GatewayFactory
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Gateway:Idempotency:Retention", "00:00:02"),
        new("Gateway:Idempotency:MaxStoredResponseBytes", "2048"),
        // Nothing listens on port 1.
        new("services:cases:http:0", "http://127.0.0.1:1"),
    ];
}

public sealed class IdempotencyLimitsTests(ShortRetentionGatewayFactory gateway) : IClassFixture<ShortRetentionGatewayFactory>
{
    [Fact]
    public async Task After_the_retention_the_same_key_runs_again()
    {
        var tenant = Tenants.New("acme");
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], tenant);
        var path = $"/appeals/{Guid.NewGuid():N}";
        await client.SendAsync(IdempotencyTests.Post($"/api/intake{path}", "short", "{}"));
        Assert.Equal("true", (await client.SendAsync(IdempotencyTests.Post($"/api/intake{path}", "short", "{}"))).Headers.GetValues("Idempotent-Replayed").Single());

        // Redis expires the stored answer on its own clock: wait for it to be gone.
        var redis = gateway.Services.GetRequiredService<IConnectionMultiplexer>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await IdempotencyTests.StoredKeysAsync(redis, tenant)).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The stored answer did not expire.");
            await Task.Delay(100);
        }
        var again = await client.SendAsync(IdempotencyTests.Post($"/api/intake{path}", "short", "{}"));

        Assert.False(again.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, gateway.Intake.Received("POST", path));
    }

    [Fact]
    public async Task An_answer_over_the_cap_is_not_stored_and_the_retry_runs_again()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("acme"));
        var path = $"/appeals/{Guid.NewGuid():N}";

        var first = await client.SendAsync(IdempotencyTests.Post($"/api/intake{path}?echo-pad=4000", "big", "{}"));
        var retry = await client.SendAsync(IdempotencyTests.Post($"/api/intake{path}?echo-pad=4000", "big", "{}"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(4000, (await EchoedRequest.ReadAsync(first)).Padding?.Length);
        Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, gateway.Intake.Received("POST", path));
    }

    [Fact]
    public async Task When_the_service_cannot_be_reached_the_key_is_released()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator], Tenants.New("acme"));

        var first = await client.SendAsync(IdempotencyTests.Post("/api/cases/cases", "unreached", "{}"));
        var retry = await client.SendAsync(IdempotencyTests.Post("/api/cases/cases", "unreached", "{}"));

        Assert.Equal(HttpStatusCode.BadGateway, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, retry.StatusCode);
        Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
    }
}
