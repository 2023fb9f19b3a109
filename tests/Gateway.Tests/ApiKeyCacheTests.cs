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

    [Fact]
    public async Task Not_yet_cached_are_looked_up_once_for_all_the_requests_that_present_them_meanwhile()
    {
        var key = await gateway.IssueKeyAsync(Tenants.New("acme"));
        using var client = gateway.CreateInsurerClient(key.ApiKey);
        await using var conn = new NpgsqlConnection(gateway.DatabaseConnectionString);
        await conn.OpenAsync();
        // The lookup writes the key's last_used_at; while this transaction holds the key's row, a lookup waits on it.
        await using var hold = await conn.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM api_keys WHERE key_id = @id FOR UPDATE", conn, hold))
        {
            lockRow.Parameters.AddWithValue("id", key.KeyId);
            await lockRow.ExecuteScalarAsync();
        }

        var requests = Enumerable.Range(0, 8).Select(_ => client.GetAsync("/api/cases/cases")).ToList();
        // Counted on a connection of its own: a transaction sees pg_stat_activity as it was at its first read.
        await using var watch = new NpgsqlConnection(gateway.DatabaseConnectionString);
        await watch.OpenAsync();
        await using var waiting = new NpgsqlCommand("""
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%UPDATE api_keys SET last_used_at%'
            """, watch);
        await Eventually.True(async () => (long)(await waiting.ExecuteScalarAsync())! >= 1, TimeSpan.FromSeconds(5), "a lookup waits on the key's row");
        await Task.Delay(300); // time for the other requests to have asked too, had they each asked
        var lookups = (long)(await waiting.ExecuteScalarAsync())!;
        await hold.CommitAsync();

        Assert.Equal(1, lookups);
        Assert.All(await Task.WhenAll(requests), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Fact]
    public async Task Read_while_a_revocation_was_made_are_not_cached()
    {
        var key = await gateway.IssueKeyAsync(Tenants.New("acme"));
        var other = await gateway.IssueKeyAsync(Tenants.New("acme"));
        using var client = gateway.CreateInsurerClient(key.ApiKey);
        using var admin = gateway.CreateAdminClient();
        await using var conn = new NpgsqlConnection(gateway.DatabaseConnectionString);
        await conn.OpenAsync();
        await using var hold = await conn.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM api_keys WHERE key_id = @id FOR UPDATE", conn, hold))
        {
            lockRow.Parameters.AddWithValue("id", key.KeyId);
            await lockRow.ExecuteScalarAsync();
        }
        var first = client.GetAsync("/api/cases/cases");
        await using var watch = new NpgsqlConnection(gateway.DatabaseConnectionString);
        await watch.OpenAsync();
        await using var waiting = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%UPDATE api_keys SET last_used_at%'", watch);
        await Eventually.True(async () => (long)(await waiting.ExecuteScalarAsync())! >= 1, TimeSpan.FromSeconds(5), "the lookup waits on the key's row");

        // Some key is revoked while this one's lookup is in flight: the replica cannot tell which key the lookup read
        // before the revocation, so it does not cache what it read.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/api-keys/{other.KeyId}")).StatusCode);
        await hold.CommitAsync();
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);

        // Revoked behind the gateway's back: had the lookup been cached, the key would still pass for a minute.
        await using (var revoke = new NpgsqlCommand("UPDATE api_keys SET revoked_at = now() WHERE key_id = @id", conn))
        {
            revoke.Parameters.AddWithValue("id", key.KeyId);
            Assert.Equal(1, await revoke.ExecuteNonQueryAsync());
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/cases/cases")).StatusCode);
    }
}
