using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Platform.Tests;

namespace Platform.Messaging.Tests;

/// <summary>The data source every service gets from AddPostgres.</summary>
public sealed class A_service_data_source
{
    private static async Task<NpgsqlDataSource> DataSourceAsync(string? extra = null)
    {
        var connectionString = await TestEnvironment.CreateDatabaseAsync("pool") + extra;
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:pooldb"] = connectionString });
        builder.AddPostgres("pooldb", typeof(A_service_data_source).Assembly);
        return builder.Build().Services.GetRequiredService<NpgsqlDataSource>();
    }

    private static async Task<long> PreparedAfterReuseAsync(NpgsqlDataSource dataSource)
    {
        // Npgsql prepares a statement once it has run it a few times on a physical connection (5 by default).
        for (var i = 0; i < 3; i++)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            for (var j = 0; j < 3; j++)
            {
                await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_class WHERE relname = $1", connection);
                cmd.Parameters.Add(new() { Value = "x" });
                await cmd.ExecuteScalarAsync();
            }
        }
        await using var check = await dataSource.OpenConnectionAsync();
        await using var prepared = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%relname = $1%'", check);
        return (long)(await prepared.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Prepares_what_it_runs_often_and_keeps_it_across_pool_check_outs()
    {
        await using var dataSource = await DataSourceAsync();
        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        Assert.Equal(64, settings.MaxAutoPrepare);
        Assert.True(settings.NoResetOnClose);
        // One physical connection (the pool hands back the same one), whose prepared statement survived being
        // returned and taken again: no DISCARD ALL in between.
        Assert.Equal(1, await PreparedAfterReuseAsync(dataSource));
    }

    [Fact]
    public async Task Opens_at_most_twenty_connections_and_a_burst_beyond_them_waits_for_one()
    {
        await using var dataSource = await DataSourceAsync();
        var database = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database;
        var held = new List<NpgsqlConnection>();
        for (var i = 0; i < 20; i++) held.Add(await dataSource.OpenConnectionAsync());
        var waiting = dataSource.OpenConnectionAsync().AsTask();
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);

        await using (var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", held[0]))
        {
            count.Parameters.Add(new() { Value = database });
            Assert.Equal(20L, await count.ExecuteScalarAsync());
        }
        await held[^1].DisposeAsync();
        await using var next = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(System.Data.ConnectionState.Open, next.State);
        foreach (var connection in held[..^1]) await connection.DisposeAsync();
    }

    [Fact]
    public async Task Traces_a_command_inside_a_trace_as_one_span_without_events_and_none_outside()
    {
        await using var dataSource = await DataSourceAsync();
        var database = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database;
        // Only this test's database: other tests in the process run traced hosts of their own.
        var spans = new ConcurrentBag<Activity>();
        using var npgsql = Listen("Npgsql", span =>
        {
            if (span.TagObjects.Any(t => Equals(t.Value, database))) spans.Add(span);
        });
        using var source = new ActivitySource($"test-{database}");
        using var requests = Listen(source.Name);

        await using (var outside = dataSource.CreateCommand("SELECT 1")) await outside.ExecuteScalarAsync();
        Assert.Empty(spans);

        using (source.StartActivity("request"))
        {
            await using var inside = dataSource.CreateCommand("SELECT 2");
            await inside.ExecuteScalarAsync();
        }
        var span = Assert.Single(spans);
        Assert.Empty(span.Events);
    }

    private static ActivityListener Listen(string sourceName, Action<Activity>? stopped = null)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    [Fact]
    public async Task Keeps_what_the_connection_string_sets()
    {
        await using var dataSource = await DataSourceAsync(";Max Auto Prepare=0;NoResetOnClose=false;Maximum Pool Size=5");
        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        Assert.Equal(0, settings.MaxAutoPrepare);
        Assert.False(settings.NoResetOnClose);
        Assert.Equal(5, settings.MaxPoolSize);
        Assert.Equal(0, await PreparedAfterReuseAsync(dataSource));
    }
}
