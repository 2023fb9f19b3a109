using StackExchange.Redis;

namespace Platform.AppHost.Infrastructure;

/// <summary>Redis from the Debian package on 127.0.0.1, its append-only file under the state directory.</summary>
public sealed class RedisServerResource(string name, string directory)
    : ExecutableResource(name, "redis-server", directory), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"127.0.0.1:{this.GetEndpoint("tcp").Property(EndpointProperty.Port)}");
}

public static class RedisBuilderExtensions
{
    public const string Redis = "Redis";

    /// <summary>Redis: the user's server when <c>ConnectionStrings:{name}</c> is set, else a local one on 127.0.0.1:<paramref name="port"/>.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRedisServer(this IDistributedApplicationBuilder builder,
        string name, string stateDirectory, int port) =>
        Servers.LocalOrExternal<RedisServerResource>(builder, name, Redis, ProbeAsync, () =>
        {
            if (!File.Exists("/usr/bin/redis-server"))
                throw new DistributedApplicationException($"{name}: Redis is not installed (no /usr/bin/redis-server). " +
                    $"`./platform up` installs it (apt-get install redis-server); or use your own server: ConnectionStrings__{name}.");
            var directory = Directory.CreateDirectory(Path.Combine(Path.GetFullPath(stateDirectory), name)).FullName;
            var server = new RedisServerResource(name, directory);
            // A state directory from before the append-only file holds only a snapshot: Redis started with the file on
            // would start empty and ignore it. So it starts from the snapshot once and then switches over itself
            // (CONFIG SET, which writes the file from memory); the file counts once its manifest is written.
            var fromSnapshot = File.Exists(Path.Combine(directory, "dump.rdb"))
                && !File.Exists(Path.Combine(directory, "appendonlydir", "appendonly.aof.manifest"));
            if (fromSnapshot)
                builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (_, ct) =>
                {
                    var options = ConfigurationOptions.Parse(await server.ConnectionStringExpression.GetValueAsync(ct) ?? "");
                    options.AllowAdmin = true;
                    await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
                    await connection.GetServers()[0].ConfigSetAsync("appendonly", "yes");
                });
            builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, (_, _) =>
            {
                Servers.EnsurePortFree(name, port);
                return Task.CompletedTask;
            });
            return builder.AddResource(server)
                .WithLoopbackPort(port)
                .WithIconName("Memory")
                // Persistence by an append-only file written out each second, no snapshots. Redis's default snapshots
                // fork and write the whole dataset every minute under load (10,000 changes): with the gateway's
                // idempotency entries kept a day that is most of Redis's CPU (3.1 s per snapshot of 400 MB here) and
                // still loses up to the last minute on a crash; the file loses at most a second, and rewriting it
                // (the same fork) waits until it has doubled. The rewrite writes the dataset uncompressed: most of it is
                // the gateway's stored answers, Brotli-compressed already, and LZF over them was half of the rewrite's
                // CPU (0.87 against 0.39 s for 64,000 appeals' keys, a file of 90 against 133 MB), spent in bursts in
                // the middle of a load test on the platform's own cores.
                .WithArgs("--port", port.ToString(), "--bind", "127.0.0.1", "--dir", directory, "--daemonize", "no",
                    "--appendonly", fromSnapshot ? "no" : "yes", "--appendfsync", "everysec", "--save", "",
                    "--rdbcompression", "no", "--logfile", "");
        });

    private static async Task ProbeAsync(string connectionString, CancellationToken ct)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 5000;
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
            await connection.GetDatabase().PingAsync();
        }
        catch (RedisConnectionException e)
        {
            // The client's own message is advice on its retry settings; say what failed instead.
            throw new InvalidOperationException($"no connection to {string.Join(", ", options.EndPoints)} ({e.FailureType})", e);
        }
    }
}
