using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Platform.Gateway.Auth;

namespace Platform.Gateway.Tests;

public sealed class AdminApiTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Admin_endpoints_without_a_token_get_401_problem()
    {
        using var client = gateway.CreateClient();

        var response = await client.PostAsJsonAsync("/admin/tenants/acme/api-keys", new { name = "x" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthenticated);
    }

    [Fact]
    public async Task Admin_endpoints_with_a_coordinator_token_get_403_problem()
    {
        using var client = gateway.CreateStaffClient("carol", [Roles.Coordinator, Roles.Supervisor], "acme");

        var response = await client.GetAsync("/admin/tenants/acme/api-keys");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        Assert.Equal("This operation needs the role admin.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Admin_endpoints_with_an_insurer_key_get_403_problem()
    {
        var key = await gateway.IssueKeyAsync(Tenants.New("acme"));
        using var client = gateway.CreateInsurerClient(key.ApiKey);

        var response = await client.PostAsJsonAsync($"/admin/tenants/{key.TenantId}/api-keys", new { name = "mine now" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
    }

    [Theory]
    [InlineData("Acme")]
    [InlineData("-acme")]
    [InlineData("a")]
    [InlineData("acme_corp")]
    public async Task Issuing_a_key_for_an_invalid_tenant_id_gets_a_problem_naming_tenantId(string tenantId)
    {
        using var admin = gateway.CreateAdminClient();

        var response = await admin.PostAsJsonAsync($"/admin/tenants/{tenantId}/api-keys", new { name = "x" });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty("tenantId", out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("a name that goes on and on and on and on and on and on and on and on and on and on and on and on and on")]
    public async Task Issuing_a_key_without_a_valid_name_gets_a_problem_naming_name(string? name)
    {
        using var admin = gateway.CreateAdminClient();

        var response = await admin.PostAsJsonAsync("/admin/tenants/acme/api-keys", new { name });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.False(errors.TryGetProperty("tenantId", out _));
    }

    [Fact]
    public async Task Issued_key_is_shown_once_and_stored_only_as_a_hash()
    {
        var tenant = Tenants.New("acme");
        using var admin = gateway.CreateAdminClient();

        var response = await admin.PostAsJsonAsync($"/admin/tenants/{tenant}/api-keys", new { name = "Policy loader" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var issued = (await response.Content.ReadFromJsonAsync<IssuedKey>(JsonSerializerOptions.Web))!;
        Assert.Equal((tenant, "Policy loader"), (issued.TenantId, issued.Name));
        Assert.StartsWith("mak_", issued.ApiKey);
        Assert.True(issued.ApiKey.Length >= 4 + 43);
        Assert.Equal($"/admin/api-keys/{issued.KeyId}", response.Headers.Location?.OriginalString);

        await using var conn = new NpgsqlConnection(gateway.DatabaseConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT key_hash FROM api_keys WHERE key_id = @id", conn);
        cmd.Parameters.AddWithValue("id", issued.KeyId);
        var stored = (byte[])(await cmd.ExecuteScalarAsync())!;
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(issued.ApiKey)), stored);
    }

    [Fact]
    public async Task Listing_keys_shows_the_tenants_keys_without_secrets()
    {
        var tenant = Tenants.New("acme");
        var first = await gateway.IssueKeyAsync(tenant, "first");
        var second = await gateway.IssueKeyAsync(tenant, "second");
        await gateway.IssueKeyAsync(Tenants.New("other"), "someone else's");
        using var admin = gateway.CreateAdminClient();
        await admin.DeleteAsync($"/admin/api-keys/{first.KeyId}");

        var response = await admin.GetAsync($"/admin/tenants/{tenant}/api-keys");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("mak_", body);
        var keys = JsonSerializer.Deserialize<JsonElement[]>(body, JsonSerializerOptions.Web)!;
        Assert.Equal([first.KeyId, second.KeyId], keys.Select(k => k.GetProperty("keyId").GetGuid()));
        Assert.Equal(["first", "second"], keys.Select(k => k.GetProperty("name").GetString()));
        Assert.Equal(JsonValueKind.String, keys[0].GetProperty("revokedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, keys[1].GetProperty("revokedAt").ValueKind);
    }

    [Fact]
    public async Task Revoking_twice_answers_204_both_times()
    {
        var key = await gateway.IssueKeyAsync(Tenants.New("acme"));
        using var admin = gateway.CreateAdminClient();

        var first = await admin.DeleteAsync($"/admin/api-keys/{key.KeyId}");
        var second = await admin.DeleteAsync($"/admin/api-keys/{key.KeyId}");

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
    }

    [Theory]
    [InlineData("0195d3c4-0000-7000-8000-000000000000")]
    [InlineData("not-a-key-id")]
    public async Task Revoking_an_unknown_key_gets_404_problem(string keyId)
    {
        using var admin = gateway.CreateAdminClient();

        var response = await admin.DeleteAsync($"/admin/api-keys/{keyId}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
    }
}
