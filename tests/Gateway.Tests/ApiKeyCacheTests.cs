using System.Net;
using Npgsql;
using Platform.Tests;

namespace Platform.Gateway.Tests;

public sealed class Verified_API_keys(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task Stop_on_every_replica_once_revoked_through_one()
    {
        await using var other = gateway.Replica();
        var key = await gateway.IssueKeyAsync(Tenants.New("acme"));
        using var here = gateway.CreateInsurerClient(key.ApiKey);
        using var there = other.CreateInsurerClient(key.ApiKey);
        // Both replicas have verified (and cached) the key.
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/api/cases/cases")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await there.GetAsync("/api/cases/cases")).StatusCode);

        using var admin = gateway.CreateAdminClient();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/api-keys/{key.KeyId}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await here.GetAsync("/api/cases/cases")).StatusCode);
        // The other replica hears of it through Redis pub/sub, within milliseconds; its cache entry would live a minute.
        await Eventually.True(async () => (await there.GetAsync("/api/cases/cases")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(2), "the other replica refuses the revoked key");
    }

    [Fact]
    public async Task Are_served_from_the_replicas_cache_without_asking_the_database_again()
    {
        var key = await gateway.IssueKeyAsync(Tenants.New("acme"));
        using var client = gateway.CreateInsurerClient(key.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases/cases")).StatusCode);

        // Revoked behind the gateway's back (not through its admin API, which tells every replica): the cached
        // verification still holds, which shows the database is not asked on every request.
        await using (var conn = new NpgsqlConnection(gateway.DatabaseConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("UPDATE api_keys SET revoked_at = now() WHERE key_id = @id", conn);
            cmd.Parameters.AddWithValue("id", key.KeyId);
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases/cases")).StatusCode);
    }
}
