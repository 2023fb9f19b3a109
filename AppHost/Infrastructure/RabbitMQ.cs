using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using RabbitMQ.Client;

namespace Platform.AppHost.Infrastructure;

/// <summary>
/// RabbitMQ from the Debian package, with its node, data, cookie and configuration under the state directory and
/// every port on 127.0.0.1 (AMQP, Erlang distribution, and an epmd of its own, so no other Erlang node is touched).
/// On SIGTERM the start script stops the node cleanly.
/// </summary>
public sealed class RabbitMQServerResource(string name, string directory)
    : ExecutableResource(name, "/usr/lib/rabbitmq/bin/rabbitmq-server", directory), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://guest:guest@127.0.0.1:{this.GetEndpoint("tcp").Property(EndpointProperty.Port)}/");
}

/// <summary>The Erlang port mapper the node registers with; started before it and stopped with it.</summary>
public sealed class EpmdResource(string name, string directory) : ExecutableResource(name, "epmd", directory);

public static class RabbitMQBuilderExtensions
{
    public const string RabbitMQ = "RabbitMQ";

    /// <summary>
    /// RabbitMQ: the user's broker when <c>ConnectionStrings:{name}</c> is set, else a local node on 127.0.0.1:<paramref name="port"/>
    /// (distribution on <paramref name="distributionPort"/>, its epmd on <paramref name="epmdPort"/>).
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRabbitMQServer(this IDistributedApplicationBuilder builder,
        string name, string stateDirectory, int port, int distributionPort, int epmdPort) =>
        Servers.LocalOrExternal<RabbitMQServerResource>(builder, name, RabbitMQ, ProbeAsync, () =>
        {
            if (!File.Exists("/usr/lib/rabbitmq/bin/rabbitmq-server"))
                throw new DistributedApplicationException($"{name}: RabbitMQ is not installed (no /usr/lib/rabbitmq/bin/rabbitmq-server). " +
                    $"`./platform up` installs it (apt-get install rabbitmq-server); or use your own broker: ConnectionStrings__{name}.");

            var root = Directory.CreateDirectory(Path.Combine(Path.GetFullPath(stateDirectory), name)).FullName;
            var server = new RabbitMQServerResource(name, root);
            var epmd = builder.AddResource(new EpmdResource(name + "-epmd", root))
                .WithArgs("-port", epmdPort.ToString(), "-address", "127.0.0.1")
                .WithParentRelationship(server)
                .WithProbe("epmd", ct => ConnectAsync(epmdPort, ct), $"epmd on 127.0.0.1:{epmdPort}");

            builder.Eventing.Subscribe<BeforeResourceStartedEvent>(epmd.Resource, async (_, ct) =>
            {
                await StopStaleEpmdAsync(epmdPort, ct);
                Servers.EnsurePortFree(epmd.Resource.Name, epmdPort);
            });

            builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, (_, _) =>
            {
                Servers.EnsurePortFree(name, port);
                Servers.EnsurePortFree(name, distributionPort);
                WriteNodeFiles(root);
                return Task.CompletedTask;
            });

            var node = builder.AddResource(server)
                .WithLoopbackPort(port)
                .WithIconName("Mailbox")
                .WaitFor(epmd);
            foreach (var (key, value) in NodeEnvironment(root, name, port, distributionPort, epmdPort)) node.WithEnvironment(key, value);
            return node;
        });

    private static Dictionary<string, string> NodeEnvironment(string root, string name, int port, int distributionPort, int epmdPort) => new()
    {
        ["HOME"] = Path.Combine(root, "home"),
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(root, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(root, "log"),
        ["RABBITMQ_LOGS"] = "-",
        ["RABBITMQ_FEATURE_FLAGS_FILE"] = Path.Combine(root, "feature_flags"),
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(root, "enabled_plugins"),
        ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(root, "rabbitmq-env.conf"),
        ["RABBITMQ_CONFIG_FILE"] = Path.Combine(root, "rabbitmq.conf"),
        ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(root, "advanced.config"),
        ["RABBITMQ_NODENAME"] = "platform@localhost", // each node has its own epmd, so the name never clashes
        ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_NODE_PORT"] = port.ToString(),
        ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(),
        // Distribution on loopback too (it binds every interface otherwise), and no epmd of its own started in the background.
        ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false",
        ["ERL_EPMD_PORT"] = epmdPort.ToString(),
        ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
    };

    private static void WriteNodeFiles(string root)
    {
        foreach (var dir in new[] { "home", "mnesia", "log" }) Directory.CreateDirectory(Path.Combine(root, dir));
        WriteIfMissing(Path.Combine(root, "enabled_plugins"), "[].\n");
        WriteIfMissing(Path.Combine(root, "rabbitmq-env.conf"), "# Empty on purpose: the AppHost sets the environment.\n");
        File.WriteAllText(Path.Combine(root, "rabbitmq.conf"), "# Written by the AppHost, so nothing in /etc/rabbitmq applies.\nlog.console.level = notice\n");
        // The node's Erlang cookie, in its HOME.
        var cookie = Path.Combine(root, "home", ".erlang.cookie");
        if (!File.Exists(cookie))
        {
            File.WriteAllText(cookie, Convert.ToHexString(RandomNumberGenerator.GetBytes(20)));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
        }
    }

    private static void WriteIfMissing(string path, string content)
    {
        if (!File.Exists(path)) File.WriteAllText(path, content);
    }

    /// <summary>
    /// An epmd with no node registered on the platform's port is a leftover: when a stop takes epmd down before the node,
    /// RabbitMQ's epmd monitor starts a daemon of its own on that port, which outlives the platform and would keep the
    /// next start's epmd (and so the broker) from starting. It is stopped; an epmd that serves a live node is left alone.
    /// </summary>
    private static async Task StopStaleEpmdAsync(int port, CancellationToken ct)
    {
        try { await ConnectAsync(port, ct); }
        catch (SocketException) { return; } // nothing listens there
        var names = await RunEpmdAsync(ct, "-port", port.ToString(), "-names");
        if (names.Split('\n').Any(line => line.StartsWith("name ", StringComparison.Ordinal))) return;
        await RunEpmdAsync(ct, "-port", port.ToString(), "-kill");
    }

    private static async Task<string> RunEpmdAsync(CancellationToken ct, params string[] args)
    {
        var start = new ProcessStartInfo("epmd") { RedirectStandardOutput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return output;
    }

    private static async Task ProbeAsync(string connectionString, CancellationToken ct)
    {
        var factory = new ConnectionFactory { Uri = new Uri(connectionString), RequestedConnectionTimeout = TimeSpan.FromSeconds(5), AutomaticRecoveryEnabled = false };
        await using var connection = await factory.CreateConnectionAsync(ct);
    }

    private static async Task ConnectAsync(int port, CancellationToken ct)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, ct);
    }
}
