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
        await RevokeBehindTheGatewaysBackAsync(key.KeyId);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases/cases")).StatusCode);
    }

    [Fact]
    public async Task Not_yet_cached_are_looked_up_once_for_all_the_requests_that_present_them_meanwhile()
    {
        var key = await gateway.IssueKeyAsync(Tenants.New("acme"));
        using var client = gateway.CreateInsurerClient(key.ApiKey);
        await using var row = await HeldKeyRow.LockAsync(gateway.DatabaseConnectionString, key.KeyId);

        var requests = Enumerable.Range(0, 8).Select(_ => client.GetAsync("/api/cases/cases")).ToList();
        await row.UntilALookupWaitsAsync();
        await Task.Delay(300); // time for the other requests to have asked too, had they each asked
        var lookups = await row.LookupsWaitingAsync();
        await row.ReleaseAsync();

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
        await using var row = await HeldKeyRow.LockAsync(gateway.DatabaseConnectionString, key.KeyId);
        var first = client.GetAsync("/api/cases/cases");
        await row.UntilALookupWaitsAsync();

        // Some key is revoked while this one's lookup is in flight: the replica cannot tell which key the lookup read
        // before the revocation, so it does not cache what it read.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/api-keys/{other.KeyId}")).StatusCode);
        await row.ReleaseAsync();
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);

        // Revoked behind the gateway's back: had the lookup been cached, the key would still pass for a minute.
        await RevokeBehindTheGatewaysBackAsync(key.KeyId);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/cases/cases")).StatusCode);
    }

    private async Task RevokeBehindTheGatewaysBackAsync(Guid keyId)
    {
        await using var conn = new NpgsqlConnection(gateway.DatabaseConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("UPDATE api_keys SET revoked_at = now() WHERE key_id = @id", conn);
        cmd.Parameters.AddWithValue("id", keyId);
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
    }

    /// <summary>
    /// An API key's row held (FOR UPDATE) in a transaction. A lookup of the key writes its last_used_at, so it waits
    /// on the row meanwhile, and the lookups in flight can be counted.
    /// </summary>
    private sealed class HeldKeyRow(NpgsqlConnection holder, NpgsqlTransaction hold, NpgsqlConnection watcher) : IAsyncDisposable
    {
        public static async Task<HeldKeyRow> LockAsync(string connectionString, Guid keyId)
        {
            var holder = new NpgsqlConnection(connectionString);
            await holder.OpenAsync();
            var hold = await holder.BeginTransactionAsync();
            await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM api_keys WHERE key_id = @id FOR UPDATE", holder, hold))
            {
                lockRow.Parameters.AddWithValue("id", keyId);
                await lockRow.ExecuteScalarAsync();
            }
            // Counted on a connection of its own: a transaction sees pg_stat_activity as it was at its first read.
            var watcher = new NpgsqlConnection(connectionString);
            await watcher.OpenAsync();
            return new HeldKeyRow(holder, hold, watcher);
        }

        public async Task<long> LookupsWaitingAsync()
        {
            await using var cmd = new NpgsqlCommand("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%UPDATE api_keys SET last_used_at%'
                """, watcher);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }

        public Task UntilALookupWaitsAsync() =>
            Eventually.True(async () => await LookupsWaitingAsync() >= 1, TimeSpan.FromSeconds(5), "a lookup waits on the key's row");

        public Task ReleaseAsync() => hold.CommitAsync();

        public async ValueTask DisposeAsync()
        {
            await hold.DisposeAsync();
            await holder.DisposeAsync();
            await watcher.DisposeAsync();
        }
    }
}
