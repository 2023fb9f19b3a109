using System.Net;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Npgsql;
using Platform.AppHost.Infrastructure;

namespace Platform.Tests;

/// <summary>
/// Real PostgreSQL, RabbitMQ and Redis for the tests of one test process: the AppHost's own server resources, run by
/// Aspire on free loopback ports with throw-away data, started on first use and stopped when the process ends. Every
/// test project has servers of its own, so projects run in parallel without sharing queues or a broker that one of
/// them stops.
/// </summary>
public static class TestEnvironment
{
    private static readonly Lazy<Task<Servers>> servers = new(Servers.StartAsync);

    /// <summary>Starts the servers (once per process) and waits until they answer.</summary>
    public static Task StartAsync() => servers.Value;

    /// <summary>A superuser connection to the PostgreSQL server; each test class creates its own database on it.</summary>
    public static string Postgres => Started.Postgres;

    public static string RabbitMq => Started.RabbitMq;

    public static string Redis => Started.Redis;

    /// <summary>The development key the gateway verifies staff tokens with (as in the AppHost's appsettings.json).</summary>
    public const string JwtSigningKey = "development-signing-key-0123456789abcdef0123456789";

    /// <summary>Stops the broker (as an outage would) or starts it again, and waits until it has.</summary>
    public static Task StopBrokerAsync() => Started.ExecuteAsync("rabbitmq", KnownResourceCommands.StopCommand, KnownResourceStates.Exited, KnownResourceStates.Finished);

    public static Task StartBrokerAsync() => Started.ExecuteAsync("rabbitmq", KnownResourceCommands.StartCommand, KnownResourceStates.Running);

    /// <summary>Creates an empty database with a unique name and returns a connection string to it.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        await StartAsync();
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using (var conn = new NpgsqlConnection(Postgres))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(Postgres) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Runs a resource command of an Aspire application (the dashboard's Stop or Start) and waits until the resource
    /// is in one of the <paramref name="until"/> states (and healthy, after a start).
    /// </summary>
    public static async Task ExecuteCommandAsync(DistributedApplication app, string resource, string command, params string[] until)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync(resource, command);
        if (!result.Success) throw new InvalidOperationException($"{command} {resource}: {result.Message}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await app.ResourceNotifications.WaitForResourceAsync(resource, e => until.Contains(e.Snapshot.State?.Text), timeout.Token);
        if (command == KnownResourceCommands.StartCommand) await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
    }

    private static Servers Started => servers.IsValueCreated && servers.Value.IsCompletedSuccessfully
        ? servers.Value.Result
        : throw new InvalidOperationException("The test servers are not started: await TestEnvironment.StartAsync() (or CreateDatabaseAsync) first.");

    private sealed class Servers(DistributedApplication app, string postgres, string rabbitMq, string redis)
    {
        public string Postgres { get; } = postgres;
        public string RabbitMq { get; } = rabbitMq;
        public string Redis { get; } = redis;

        /// <summary>
        /// Starts the servers; a start that fails is told in <c>TestResults/server-starts.log</c> and made once more, on
        /// other ports and with a new state directory: ten test processes start thirty servers side by side on a small
        /// machine, and one that fails once (a port, a slow boot) should not fail every test of its project. A second
        /// failure does.
        /// </summary>
        public static async Task<Servers> StartAsync()
        {
            var root = Path.Combine(RepositoryRoot(), ".state", "tests");
            // Left by test processes that ended before they could clean up (their servers ended with them).
            foreach (var stale in Directory.Exists(root) ? Directory.GetDirectories(root, "servers-*") : [])
            {
                if (int.TryParse(Path.GetFileName(stale)["servers-".Length..].Split('-')[0], out var pid) && IsRunning(pid)) continue;
                try { Directory.Delete(stale, recursive: true); }
                catch (IOException) { } // another test process, starting at the same moment, is deleting it too
            }
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await StartOnceAsync(Path.Combine(root, $"servers-{Environment.ProcessId}-{attempt}"));
                }
                catch (NotStartedException e) when (attempt == 1)
                {
                    // `dotnet test` shows no test host's own output: `./platform test` prints this file at its end.
                    var report = Directory.CreateDirectory(Path.Combine(RepositoryRoot(), "TestResults")).FullName;
                    await File.AppendAllTextAsync(Path.Combine(report, "server-starts.log"),
                        $"{DateTime.UtcNow:O} {Path.GetRelativePath(RepositoryRoot(), AppContext.BaseDirectory)} (process {Environment.ProcessId}): {e.Message}\n" +
                        "Started them once more, on other ports.\n\n");
                }
            }
        }

        private static async Task<Servers> StartOnceAsync(string state)
        {
            var ports = FreePorts(5);
            var builder = ServersBuilder();
            var pg = builder.AddPostgresServer("postgres", state, ports[0]);
            var rabbit = builder.AddRabbitMQServer("rabbitmq", state, ports[1], ports[2], ports[3]);
            var cache = builder.AddRedisServer("redis", state, ports[4]);
            // Test data is thrown away: durability only costs time.
            if (pg.Resource is PostgresServerResource local)
                builder.CreateResourceBuilder(local).WithArgs("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off");
            if (cache.Resource is RedisServerResource redis) builder.CreateResourceBuilder(redis).WithArgs("--appendonly", "no");

            var app = builder.Build();
            // A start that never completes (once, the orchestrator did not launch one of the servers) fails the tests
            // within minutes instead of holding the run until CI's own limit.
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            try
            {
                await app.StartAsync(timeout.Token);
                foreach (var name in new[] { "postgres", "rabbitmq", "redis" })
                    await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
            }
            catch (Exception e) when (e is DistributedApplicationException or OperationCanceledException)
            {
                var why = new NotStartedException($"The test servers did not start ({e.Message}):{await StartLog.DescribeAsync(app)}", e);
                try { await StopAsync(app, state).WaitAsync(TimeSpan.FromSeconds(30)); }
                catch (Exception stop) when (stop is DistributedApplicationException or IOException or TimeoutException)
                {
                    // What did start ends with this process; another attempt uses other ports and another directory.
                }
                throw why;
            }

            var servers = new Servers(app,
                await pg.Resource.ConnectionStringExpression.GetValueAsync(default) ?? "",
                await rabbit.Resource.ConnectionStringExpression.GetValueAsync(default) ?? "",
                // Database 1, as before: a test never sees keys of a service's default database.
                (await cache.Resource.ConnectionStringExpression.GetValueAsync(default)) + ",defaultDatabase=1");
            AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAsync(app, state).Wait(TimeSpan.FromSeconds(20));
            return servers;
        }

        private sealed class NotStartedException(string message, Exception inner) : Exception(message, inner);

        public Task ExecuteAsync(string resource, string command, params string[] until) => ExecuteCommandAsync(app, resource, command, until);

        private static async Task StopAsync(DistributedApplication app, string state)
        {
            try
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
            finally
            {
                if (Directory.Exists(state)) Directory.Delete(state, recursive: true);
            }
        }
    }

    /// <summary>
    /// A state directory of its own for a test that starts a server itself (under <c>.state/tests/</c>, emptied first),
    /// deleted when disposed.
    /// </summary>
    public sealed class StateDirectory : IDisposable
    {
        public StateDirectory(string name)
        {
            Path = System.IO.Path.Combine(RepositoryRoot(), ".state", "tests", $"{name}-{Environment.ProcessId}");
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public void Dispose()
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        }
    }

    /// <summary>
    /// An Aspire application for the AppHost's server resources alone (no dashboard, no services): stopping it waits
    /// until every server has exited.
    /// </summary>
    public static IDistributedApplicationBuilder ServersBuilder() => DistributedApplication.CreateBuilder(new DistributedApplicationOptions
    {
        // The AppHost assembly tells Aspire where its orchestrator (DCP) is.
        AssemblyName = typeof(PostgresBuilderExtensions).Assembly.GetName().Name,
        DisableDashboard = true,
        Args = ["--DcpPublisher:WaitForResourceCleanup=true", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Platform=Warning"],
    });

    /// <summary>
    /// Free ports below the ephemeral range (so that no outgoing connection takes one before its server binds it), reserved
    /// for this process. Test processes start side by side and each picks its servers' ports a few seconds before they
    /// bind them; a bind check alone cannot see a port another process has picked and not yet bound, so every process
    /// writes the ports it picked to <c>.state/tests/ports/{process id}</c>, and a pick, made under a lock on that folder,
    /// leaves out the ports of every process still alive.
    /// </summary>
    public static int[] FreePorts(int count)
    {
        var folder = Directory.CreateDirectory(Path.Combine(RepositoryRoot(), ".state", "tests", "ports")).FullName;
        using var exclusive = LockFolder(folder);
        var taken = new HashSet<int>();
        foreach (var file in Directory.GetFiles(folder))
        {
            if (!int.TryParse(Path.GetFileName(file), out var pid)) continue;
            if (!IsRunning(pid)) { File.Delete(file); continue; } // its process has ended, its servers with it
            foreach (var line in File.ReadAllLines(file)) if (int.TryParse(line, out var port)) taken.Add(port);
        }
        var ports = new List<int>();
        while (ports.Count < count)
        {
            var port = Random.Shared.Next(20000, 32000);
            if (!taken.Add(port)) continue;
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                ports.Add(port);
            }
            catch (SocketException)
            {
                // Held by something else: try another.
            }
        }
        File.AppendAllLines(Path.Combine(folder, Environment.ProcessId.ToString()), ports.Select(p => p.ToString()));
        return [.. ports];
    }

    private static bool IsRunning(int processId) => Directory.Exists($"/proc/{processId}");

    /// <summary>An exclusive lock on <c>.lock</c> in <paramref name="folder"/> (flock on Linux), waited for up to a minute.</summary>
    private static FileStream LockFolder(string folder)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            try
            {
                return new FileStream(Path.Combine(folder, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(Random.Shared.Next(5, 25)); // another test process is picking its ports
            }
        }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) return dir.FullName;
        throw new InvalidOperationException("Platform.sln not found above " + AppContext.BaseDirectory);
    }
}
