using System.Net.Sockets;

namespace Platform.AppHost;

/// <summary>
/// RabbitMQ: the Debian package's broker run as a plain process with its node, data, cookie and ports under the
/// state directory (and its own epmd on its own port, so nothing is shared with another Erlang node of the machine),
/// or the broker of <c>ConnectionStrings:rabbitmq</c> when the user passed one.
/// </summary>
public sealed class RabbitMQServerResource : Resource, IResourceWithConnectionString
{
    public const int DefaultPort = 55672, DistributionPort = 55679, EpmdPort = 55369;
    public const string NodeName = "platform@localhost";
    private const string Scripts = "/usr/lib/rabbitmq/bin";

    private readonly string? external;
    private readonly List<string> virtualHosts = [];
    private ChildProcess? epmd, server;

    internal RabbitMQServerResource(string name, string? external) : base(name) => this.external = external;

    public string ConnectionString => external ?? $"amqp://guest:guest@127.0.0.1:{DefaultPort}/";

    /// <summary>The connection string with another virtual host.</summary>
    public string VirtualHostUri(string virtualHost) =>
        new UriBuilder(ConnectionString) { Path = "/" + Uri.EscapeDataString(virtualHost) }.Uri.ToString();

    /// <summary>A rabbitmqctl bound to the local node (null for the user's broker).</summary>
    public string? CtlPath => external is null ? Path.Combine(Builder.ExecutionContext.BinDirectory, "rabbitmqctl") : null;

    internal override bool Local => external is null;
    internal override string Endpoint => external is null ? $"amqp://127.0.0.1:{DefaultPort}  guest / guest, node {NodeName}" : Redact(external);
    internal override string Pid => server is null ? "" : $"{server.Pid} (epmd {epmd?.Pid})";
    internal override IEnumerable<ChildProcess> Processes => new[] { server, epmd }.OfType<ChildProcess>();

    /// <summary>Creates a virtual host (guest gets all rights on it) once the broker is up.</summary>
    public RabbitMQServerResource WithVirtualHost(string name)
    {
        virtualHosts.Add(name);
        return this;
    }

    internal override async Task StartAsync(DistributedApplicationExecutionContext context, CancellationToken ct)
    {
        var uri = new Uri(ConnectionString);
        var port = uri.IsDefaultPort || uri.Port < 0 ? (uri.Scheme == "amqps" ? 5671 : 5672) : uri.Port;
        if (external is null) StartLocal(context);

        // The broker opens its AMQP listener last, once booted: a TCP connect means it is ready.
        await WaitHealthyAsync(async token =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(uri.Host, port, token);
            return true;
        }, TimeSpan.FromSeconds(90), server, "accepting AMQP connections", ct);

        foreach (var vhost in virtualHosts)
        {
            if (external is not null)
            {
                LogSink.AppHost.Write($"{Name}: virtual host '{vhost}' must exist on your broker (AppHost creates it only on its own)");
                continue;
            }
            await CtlAsync(ct, "add_vhost", vhost);
            await CtlAsync(ct, "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
        }
    }

    private void StartLocal(DistributedApplicationExecutionContext context)
    {
        if (!File.Exists(Path.Combine(Scripts, "rabbitmq-server")))
            throw new ResourceFailedException(this, $"RabbitMQ is not installed (no {Scripts}/rabbitmq-server): " +
                "apt-get install rabbitmq-server, or pass your own broker as ConnectionStrings__rabbitmq.");

        var root = Path.Combine(context.StateDirectory, "rabbitmq");
        var environment = NodeEnvironment(root);
        foreach (var dir in new[] { "home", "mnesia", "log" }) Directory.CreateDirectory(Path.Combine(root, dir));
        WriteIfMissing(Path.Combine(root, "enabled_plugins"), "[].\n");
        WriteIfMissing(Path.Combine(root, "rabbitmq-env.conf"), "# Empty on purpose: AppHost sets the environment.\n");
        File.WriteAllText(Path.Combine(root, "rabbitmq.conf"), "# Written by AppHost, so nothing in /etc/rabbitmq applies.\nlog.console.level = notice\n");

        // The Erlang cookie of the node and of rabbitmqctl: both find it in HOME.
        var cookie = Path.Combine(root, "home", ".erlang.cookie");
        if (!File.Exists(cookie))
        {
            File.WriteAllText(cookie, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)));
            File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
        }

        Directory.CreateDirectory(context.BinDirectory);
        var ctl = CtlPath!;
        File.WriteAllText(ctl,
            "#!/bin/sh\n# rabbitmqctl for the RabbitMQ node AppHost runs (generated at each start).\n" +
            string.Concat(environment.Select(e => $"export {e.Key}='{e.Value}'\n")) +
            $"exec {Scripts}/rabbitmqctl \"$@\"\n");
        File.SetUnixFileMode(ctl, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                  UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        EnsurePortFree(EpmdPort);
        EnsurePortFree(DefaultPort);
        EnsurePortFree(DistributionPort);
        var pids = context.PidDirectory;
        epmd = ChildProcess.Start("epmd", ["-port", EpmdPort.ToString(), "-address", "127.0.0.1"], environment, root, Log, Path.Combine(pids, "epmd.pid"));
        server = ChildProcess.Start(Path.Combine(Scripts, "rabbitmq-server"), [], environment, root, Log, Path.Combine(pids, Name + ".pid"));
    }

    private static Dictionary<string, string?> NodeEnvironment(string root) => new()
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
        ["RABBITMQ_NODENAME"] = NodeName,
        ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_NODE_PORT"] = DefaultPort.ToString(),
        ["RABBITMQ_DIST_PORT"] = DistributionPort.ToString(),
        ["ERL_EPMD_PORT"] = EpmdPort.ToString(),
        ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
    };

    private async Task CtlAsync(CancellationToken ct, params string[] args)
    {
        var (code, output) = await ChildProcess.RunAsync(CtlPath!, args, null, "/", null, ct);
        if (code != 0 && !output.Contains("already exists"))
            throw new ResourceFailedException(this, $"rabbitmqctl {string.Join(' ', args)} failed ({code}): {output.Trim()}");
    }

    internal override async Task StopAsync()
    {
        // SIGTERM makes the start script stop the node cleanly; epmd goes once the node has deregistered.
        if (server is not null) await server.StopAsync(ChildProcess.SIGTERM, TimeSpan.FromSeconds(30), wholeGroup: false, Log);
        if (epmd is not null) await epmd.StopAsync(ChildProcess.SIGTERM, TimeSpan.FromSeconds(5), wholeGroup: true, Log);
    }

    private static void WriteIfMissing(string path, string content)
    {
        if (!File.Exists(path)) File.WriteAllText(path, content);
    }

    private static string Redact(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var u) && u.UserInfo.Contains(':')
            ? new UriBuilder(u) { Password = "***" }.Uri.ToString()
            : uri;
}

/// <summary>Redis: the Debian package's server on 127.0.0.1, or the user's <c>ConnectionStrings:redis</c>.</summary>
public sealed class RedisResource : Resource, IResourceWithConnectionString
{
    public const int DefaultPort = 56379;
    private readonly string? external;
    private ChildProcess? server;

    internal RedisResource(string name, string? external) : base(name) => this.external = external;

    public string ConnectionString => external ?? $"127.0.0.1:{DefaultPort}";

    internal override bool Local => external is null;
    internal override string Endpoint => external is null ? ConnectionString : ConnectionString.Split(',')[0];
    internal override string Pid => server?.Pid.ToString() ?? "";
    internal override IEnumerable<ChildProcess> Processes => server is null ? [] : [server];

    internal override async Task StartAsync(DistributedApplicationExecutionContext context, CancellationToken ct)
    {
        var endpoint = ConnectionString.Split(',')[0].Trim();
        var colon = endpoint.LastIndexOf(':');
        var (host, port) = colon > 0 ? (endpoint[..colon], int.Parse(endpoint[(colon + 1)..])) : (endpoint, 6379);

        if (external is null)
        {
            var redisServer = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
                ?? throw new ResourceFailedException(this, "Redis is not installed (no redis-server): apt-get install redis-server, " +
                                                           "or pass your own server as ConnectionStrings__redis.");
            var dir = Path.Combine(context.StateDirectory, "redis");
            Directory.CreateDirectory(dir);
            EnsurePortFree(DefaultPort);
            List<string> args = ["--port", DefaultPort.ToString(), "--bind", "127.0.0.1", "--dir", dir, "--daemonize", "no",
                                 "--appendonly", "no", "--logfile", ""];
            if (context.IsTestMode) args.AddRange(["--save", ""]);
            server = ChildProcess.Start(redisServer, args, new Dictionary<string, string?>(), dir, Log, Path.Combine(context.PidDirectory, Name + ".pid"));
        }

        await WaitHealthyAsync(async token =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, token);
            if (external is not null) return true; // may need a password or TLS: the connect is enough
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), token);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, token);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG");
        }, TimeSpan.FromSeconds(30), server, "answering PING", ct);
    }

    internal override async Task StopAsync()
    {
        if (server is not null) await server.StopAsync(ChildProcess.SIGTERM, TimeSpan.FromSeconds(10), wholeGroup: false, Log);
    }
}

public static class MessagingAndCacheBuilderExtensions
{
    public static RabbitMQServerResource AddRabbitMQ(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new RabbitMQServerResource(name, builder.ConnectionStringOf(name)));

    public static RedisResource AddRedis(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new RedisResource(name, builder.ConnectionStringOf(name)));
}
