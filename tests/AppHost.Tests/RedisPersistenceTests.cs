using System.Diagnostics;
using Aspire.Hosting;
using Platform.AppHost.Infrastructure;
using Platform.Tests;
using StackExchange.Redis;

namespace Platform.AppHost.Tests;

public sealed class Restarting_the_local_Redis
{
    [Fact]
    public async Task Keeps_its_keys_in_the_append_only_file_and_takes_over_a_snapshot_written_before_it()
    {
        using var state = new TestEnvironment.StateDirectory("redis");
        var directory = Directory.CreateDirectory(Path.Combine(state.Path, "redis")).FullName;
        var port = TestEnvironment.FreePorts(1)[0];
        // The state a platform from before the append-only file left: a snapshot only.
        await WriteSnapshotAsync(directory, port, "from-the-snapshot");

        await using (var app = Build(state.Path, port))
        {
            await StartAsync(app);
            await using var redis = await ConnectAsync(port);
            Assert.Equal("from-the-snapshot", (string?)await redis.GetDatabase().StringGetAsync("kept"));
            // The switch to the file is Redis's own rewrite, in the background: wait for its manifest.
            var manifest = Path.Combine(directory, "appendonlydir", "appendonly.aof.manifest");
            for (var i = 0; i < 300 && !File.Exists(manifest); i++) await Task.Delay(100);
            Assert.True(File.Exists(manifest), "Redis did not switch to its append-only file");
            await redis.GetDatabase().StringSetAsync("written-after", "to-the-file");
            await app.StopAsync();
        }

        await using (var app = Build(state.Path, port))
        {
            await StartAsync(app);
            await using var redis = await ConnectAsync(port);
            var db = redis.GetDatabase();
            Assert.Equal("from-the-snapshot", (string?)await db.StringGetAsync("kept"));
            Assert.Equal("to-the-file", (string?)await db.StringGetAsync("written-after"));
            var server = redis.GetServers()[0];
            Assert.Equal("yes", (await server.ConfigGetAsync("appendonly")).Single().Value);
            Assert.Equal("", (await server.ConfigGetAsync("save")).Single().Value);
            Assert.Equal("no", (await server.ConfigGetAsync("rdbcompression")).Single().Value);
            await app.StopAsync();
        }
    }

    private static DistributedApplication Build(string state, int port)
    {
        var builder = TestEnvironment.ServersBuilder();
        builder.AddRedisServer("redis", state, port);
        return builder.Build();
    }

    private static async Task StartAsync(DistributedApplication app)
    {
        await app.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await app.ResourceNotifications.WaitForResourceHealthyAsync("redis", timeout.Token);
    }

    private static Task<ConnectionMultiplexer> ConnectAsync(int port) =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { { "127.0.0.1", port } }, AllowAdmin = true });

    /// <summary>A plain Redis in <paramref name="directory"/> with one key, saved to its snapshot (dump.rdb) and stopped.</summary>
    private static async Task WriteSnapshotAsync(string directory, int port, string value)
    {
        using var process = Process.Start(new ProcessStartInfo("redis-server",
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--dir", directory, "--appendonly", "no", "--save", ""]))!;
        try
        {
            ConnectionMultiplexer? redis = null;
            for (var i = 0; i < 100 && redis is null; i++)
            {
                try { redis = await ConnectAsync(port); }
                catch (RedisConnectionException) { await Task.Delay(100); }
            }
            await using (redis ?? throw new InvalidOperationException("the plain Redis did not start"))
            {
                await redis.GetDatabase().StringSetAsync("kept", value);
                await redis.GetServers()[0].ExecuteAsync("SAVE");
            }
            Assert.True(File.Exists(Path.Combine(directory, "dump.rdb")));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }
}
