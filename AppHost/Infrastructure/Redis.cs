using StackExchange.Redis;

namespace Platform.AppHost.Infrastructure;

/// <summary>Redis from the Debian package on 127.0.0.1, its snapshot under the state directory.</summary>
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
            builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, (_, _) =>
            {
                Servers.EnsurePortFree(name, port);
                return Task.CompletedTask;
            });
            return builder.AddResource(server)
                .WithLoopbackPort(port)
                .WithIconName("Memory")
                .WithArgs("--port", port.ToString(), "--bind", "127.0.0.1", "--dir", directory, "--daemonize", "no",
                    "--appendonly", "no", "--logfile", "");
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
