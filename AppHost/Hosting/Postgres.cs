using Npgsql;

namespace Platform.AppHost;

/// <summary>
/// PostgreSQL: the Debian package's server run as a plain process on 127.0.0.1 with its data under the state
/// directory, or the server of <c>ConnectionStrings:postgres</c> when the user passed one.
/// </summary>
public sealed class PostgresServerResource : Resource, IResourceWithConnectionString
{
    public const int DefaultPort = 55432;
    private readonly string? external;
    private ChildProcess? server;
    private string dataDirectory = "";

    internal PostgresServerResource(string name, string? external) : base(name) => this.external = external;

    public int Port => DefaultPort;

    /// <summary>A superuser connection to the server's <c>postgres</c> database.</summary>
    public string ConnectionString => external ?? ConnectionStringFor("postgres");

    public string ConnectionStringFor(string database) => external is null
        ? $"Host=127.0.0.1;Port={Port};Username=postgres;Password=postgres;Database={database}"
        : new NpgsqlConnectionStringBuilder(external) { Database = database }.ConnectionString;

    internal override bool Local => external is null;
    internal override string Endpoint => external is null ? $"127.0.0.1:{Port}  user postgres / postgres" : Redact(external);
    internal override string Pid => server?.Pid.ToString() ?? "";
    internal override IEnumerable<ChildProcess> Processes => server is null ? [] : [server];

    internal override async Task StartAsync(DistributedApplicationExecutionContext context, CancellationToken ct)
    {
        if (external is null) await StartLocalAsync(context, ct);
        await WaitHealthyAsync(async token =>
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync(token);
            return true;
        }, TimeSpan.FromSeconds(60), server, "accepting connections", ct);
    }

    private async Task StartLocalAsync(DistributedApplicationExecutionContext context, CancellationToken ct)
    {
        var bin = FindBinDirectory() ?? throw new ResourceFailedException(this,
            "PostgreSQL is not installed (no /usr/lib/postgresql/15/bin/postgres): apt-get install postgresql, " +
            "or pass your own server as ConnectionStrings__postgres.");
        var root = Path.Combine(context.StateDirectory, "postgres");
        dataDirectory = Path.Combine(root, "data");
        var socketDirectory = Path.Combine(root, "run");
        Directory.CreateDirectory(socketDirectory);

        // PostgreSQL refuses to run as root: then it runs as the postgres user, which must own its directories.
        if (ChildProcess.IsRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", root], context, ct);
            if (await RunAsync("test", ["-w", root], context, ct, asPostgres: true) != 0)
                throw new ResourceFailedException(this, $"the postgres user cannot reach {root}: a parent directory is not " +
                    "searchable by other users (chmod o+x it), or pass your own server as ConnectionStrings__postgres.");
        }

        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            // A half-made data directory (initdb interrupted) is useless: start over.
            if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
            Log.Write($"[apphost] initdb {Path.GetRelativePath(context.RepoRoot, dataDirectory)}");
            var passwordFile = Path.Combine(root, "pwfile");
            await File.WriteAllTextAsync(passwordFile, "postgres\n", ct);
            if (ChildProcess.IsRoot) await RunAsync("chown", ["postgres:postgres", passwordFile], context, ct);
            var code = await RunAsync(Path.Combine(bin, "initdb"),
                ["-D", dataDirectory, "-U", "postgres", $"--pwfile={passwordFile}", "--auth-local=trust",
                 "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"], context, ct, asPostgres: true);
            File.Delete(passwordFile);
            if (code != 0) throw new ResourceFailedException(this, $"initdb failed with exit code {code}");
        }

        await ClearStaleLockAsync(bin, context, ct);
        EnsurePortFree(Port);

        List<string> settings =
        [
            "-D", dataDirectory, "-p", Port.ToString(), "-c", "listen_addresses=127.0.0.1",
            "-c", $"unix_socket_directories={socketDirectory}", "-c", "max_connections=300",
        ];
        // Test data is thrown away: durability only costs time there.
        if (context.IsTestMode) settings.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        var (file, args) = AsPostgresUser(Path.Combine(bin, "postgres"), settings);
        server = ChildProcess.Start(file, args, new Dictionary<string, string?>(), root, Log,
            Path.Combine(context.PidDirectory, Name + ".pid"), stopSignal: ChildProcess.SIGINT);
    }

    /// <summary>
    /// A postmaster.pid left by a PostgreSQL that was killed, or by one still running from an AppHost that was killed
    /// before it could record it: the first is removed, the second shut down.
    /// </summary>
    private async Task ClearStaleLockAsync(string bin, DistributedApplicationExecutionContext context, CancellationToken ct)
    {
        var lockFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(lockFile)) return;
        var firstLine = File.ReadLines(lockFile).FirstOrDefault();
        if (int.TryParse(firstLine, out var pid) && ChildProcess.CommandLine(pid) is { } cmd && cmd.Contains(dataDirectory))
        {
            Log.Write($"[apphost] a PostgreSQL from an earlier run still runs on this data directory (pid {pid}): shutting it down");
            await RunAsync(Path.Combine(bin, "pg_ctl"), ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "30"], context, ct, asPostgres: true);
        }
        if (File.Exists(lockFile))
        {
            Log.Write("[apphost] removing the stale postmaster.pid of a PostgreSQL that did not shut down");
            File.Delete(lockFile);
        }
    }

    internal override async Task StopAsync()
    {
        // SIGINT is PostgreSQL's fast shutdown: roll back open transactions, checkpoint, exit.
        if (server is not null) await server.StopAsync(ChildProcess.SIGINT, TimeSpan.FromSeconds(30), wholeGroup: false, Log);
    }

    private async Task<int> RunAsync(string file, IEnumerable<string> args, DistributedApplicationExecutionContext context,
        CancellationToken ct, bool asPostgres = false)
    {
        var (command, arguments) = asPostgres ? AsPostgresUser(file, args) : (file, args);
        var cwd = Directory.Exists(Path.Combine(context.StateDirectory, "postgres")) ? Path.Combine(context.StateDirectory, "postgres") : "/";
        return (await ChildProcess.RunAsync(command, arguments, null, cwd, Log, ct)).ExitCode;
    }

    // setpriv (like runuser, but it execs instead of forking a watcher that would turn our SIGINT into SIGTERM then SIGKILL).
    private static (string File, IEnumerable<string> Args) AsPostgresUser(string file, IEnumerable<string> args) =>
        ChildProcess.IsRoot
            ? ("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", file, .. args])
            : (file, args);

    private static string? FindBinDirectory()
    {
        const string preferred = "/usr/lib/postgresql/15/bin";
        if (File.Exists(Path.Combine(preferred, "postgres"))) return preferred;
        // Another major version from the distribution works too.
        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "postgres"))).OrderByDescending(d => d).FirstOrDefault()
            : null;
    }

    private static string Redact(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Password is not null) builder.Password = "***";
        return builder.ConnectionString;
    }
}

/// <summary>A database on a PostgreSQL server, created if missing (services then apply their own schema migrations).</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource server)
    : Resource(name), IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;
    public PostgresServerResource Server { get; } = server;
    public string ConnectionString => Server.ConnectionStringFor(DatabaseName);

    internal override string Endpoint => $"database {DatabaseName} on {Server.Name}";
    internal override bool Local => Server.Local;

    internal override async Task StartAsync(DistributedApplicationExecutionContext context, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
        {
            Parameters = { new() { Value = DatabaseName } },
        };
        if (await exists.ExecuteScalarAsync(ct) is not null) return;

        var quoted = "\"" + DatabaseName.Replace("\"", "\"\"") + "\"";
        await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
        try
        {
            await create.ExecuteNonQueryAsync(ct);
            LogSink.AppHost.Write($"created database {DatabaseName}");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Created meanwhile by someone else: fine.
        }
    }
}

public static class PostgresBuilderExtensions
{
    /// <summary>A PostgreSQL server: local, or the user's when <c>ConnectionStrings:{name}</c> is configured.</summary>
    public static PostgresServerResource AddPostgres(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new PostgresServerResource(name, builder.ConnectionStringOf(name)));

    public static PostgresDatabaseResource AddDatabase(this PostgresServerResource server, string name, string? databaseName = null)
    {
        return server.Builder.AddResource(new PostgresDatabaseResource(name, databaseName ?? name, server)).WaitFor(server);
    }
}
