using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.AppHost.Infrastructure;

/// <summary>
/// PostgreSQL from the Debian package, run as the <c>postgres</c> user on 127.0.0.1 with its data under the state
/// directory. A small shell turns the orchestrator's SIGTERM into SIGINT, PostgreSQL's fast shutdown (SIGTERM alone
/// is its "smart" shutdown, which waits for every client and is killed half-way).
/// </summary>
public sealed class PostgresServerResource(string name, string directory)
    : ExecutableResource(name, "bash", directory), IResourceWithConnectionString
{
    public const string Password = "postgres";

    /// <summary>A superuser connection (database <c>postgres</c>, Npgsql's default for user postgres).</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host=127.0.0.1;Port={this.GetEndpoint("tcp").Property(EndpointProperty.Port)};Username=postgres;Password={Password}");

    public string DataDirectory => Path.Combine(WorkingDirectory, "data");
}

/// <summary>A database of the platform's PostgreSQL (ours or the user's), created when the server is ready.</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, IResourceWithConnectionString server)
    : Resource(name), IResourceWithParent<IResourceWithConnectionString>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;
    public IResourceWithConnectionString Parent { get; } = server;

    // Npgsql takes the last of repeated keys, so this also overrides a Database the user's connection string names.
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}

public static class PostgresBuilderExtensions
{
    public const string Postgres = "PostgreSQL";

    /// <summary>
    /// PostgreSQL: the user's server when <c>ConnectionStrings:{name}</c> is set (nothing installed or started), else a
    /// local one on 127.0.0.1:<paramref name="port"/> with its data in <paramref name="stateDirectory"/>/{name}.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddPostgresServer(
        this IDistributedApplicationBuilder builder, string name, string stateDirectory, int port) =>
        Servers.LocalOrExternal<PostgresServerResource>(builder, name, Postgres, ProbeAsync, () =>
        {
            var bin = FindBinDirectory() ?? throw new DistributedApplicationException(
                $"{name}: PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres). `./platform up` installs it " +
                $"(apt-get install postgresql); or use your own server: ConnectionStrings__{name}.");
            var server = new PostgresServerResource(name, Directory.CreateDirectory(Path.Combine(Path.GetFullPath(stateDirectory), name)).FullName);

            builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, (e, ct) =>
                PrepareDataDirectoryAsync(server, bin, port, e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server), ct));

            return builder.AddResource(server)
                .WithLoopbackPort(port)
                .WithIconName("DatabaseMultiple")
                // bash -c SCRIPT NAME ARGS: run ARGS, pass TERM/INT on as INT, exit with PostgreSQL's status.
                .WithArgs("-c", "trap 'kill -INT $pid' TERM INT; \"$@\" & pid=$!; wait $pid; trap - TERM INT; wait $pid", name)
                .WithArgs([.. AsPostgresUser(Path.Combine(bin, "postgres")), "-D", server.DataDirectory, "-p", port.ToString(), "-c", "listen_addresses=127.0.0.1",
                    "-c", $"unix_socket_directories={Path.Combine(server.WorkingDirectory, "run")}", "-c", "max_connections=300",
                    // Statistics per statement (pg_stat_statements, once created in a database): what operators and
                    // bench/Appeals read to see which statements cost what.
                    "-c", "shared_preload_libraries=pg_stat_statements"]);
        });

    /// <summary>A database on the server, created when the server is ready; dependents wait until it answers.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<IResourceWithConnectionString> server, string name, string databaseName)
    {
        var builder = server.ApplicationBuilder;
        var database = new PostgresDatabaseResource(name, databaseName, server.Resource);
        builder.Eventing.Subscribe<ResourceReadyEvent>(server.Resource, async (e, ct) =>
        {
            await CreateDatabaseAsync(server.Resource, databaseName, ct);
            await e.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database, s => s with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        });
        return builder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgreSQL database",
                State = KnownResourceStates.Waiting,
                Properties = [new("postgres.database", databaseName)],
            })
            .WithIconName("Database")
            .WithProbe(Postgres, async ct => await ProbeAsync(await database.ConnectionStringExpression.GetValueAsync(ct) ?? "", ct),
                $"database {databaseName}");
    }

    private static async Task ProbeAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5, Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(ct);
    }

    private static async Task CreateDatabaseAsync(IResourceWithConnectionString server, string databaseName, CancellationToken ct)
    {
        // Unpooled, like the probe: this runs again each time the server comes back after a stop, and a pooled
        // connection from before the stop would be dead (57P01 on first use).
        var connectionString = new NpgsqlConnectionStringBuilder(await server.ConnectionStringExpression.GetValueAsync(ct)) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = databaseName } } };
        if (await exists.ExecuteScalarAsync(ct) is not null) return;
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{databaseName.Replace("\"", "\"\"")}\"", connection);
        try
        {
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Created meanwhile by another AppHost sharing the server: fine.
        }
    }

    /// <summary>initdb on first start; a stale postmaster.pid (from a killed run) removed; the port checked free.</summary>
    private static async Task PrepareDataDirectoryAsync(PostgresServerResource server, string bin, int port, ILogger log, CancellationToken ct)
    {
        var root = server.WorkingDirectory;
        Directory.CreateDirectory(Path.Combine(root, "run"));
        Servers.EnsurePortFree(server.Name, port);

        // PostgreSQL refuses to run as root: it runs as the postgres user, which must own (and reach) its directory.
        if (Servers.IsRoot)
        {
            await Servers.RunAsync(log, ["chown", "-R", "postgres:postgres", root], ct);
            if (await Servers.RunAsync(log, AsPostgresUser("test", "-w", root), ct) != 0)
                throw new DistributedApplicationException($"{server.Name}: the postgres user cannot reach {root}: a parent directory is " +
                    "not searchable by other users (chmod o+x it), or use your own server: ConnectionStrings__" + server.Name);
        }

        if (!File.Exists(Path.Combine(server.DataDirectory, "PG_VERSION")))
        {
            // A half-made data directory (initdb interrupted) is useless: start over.
            if (Directory.Exists(server.DataDirectory)) Directory.Delete(server.DataDirectory, recursive: true);
            var passwordFile = Path.Combine(root, "pwfile");
            await File.WriteAllTextAsync(passwordFile, PostgresServerResource.Password + "\n", ct);
            if (Servers.IsRoot) await Servers.RunAsync(log, ["chown", "postgres:postgres", passwordFile], ct);
            log.LogInformation("initdb {DataDirectory}", server.DataDirectory);
            var code = await Servers.RunAsync(log, AsPostgresUser(Path.Combine(bin, "initdb"),
                 "-D", server.DataDirectory, "-U", "postgres", $"--pwfile={passwordFile}", "--auth-local=trust",
                 "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"), ct);
            File.Delete(passwordFile);
            if (code != 0) throw new DistributedApplicationException($"{server.Name}: initdb failed with exit code {code} (see its log)");
        }

        // Left by a PostgreSQL that was killed: nothing runs on this data directory now (the port is free), so it is stale.
        var lockFile = Path.Combine(server.DataDirectory, "postmaster.pid");
        if (File.Exists(lockFile))
        {
            log.LogWarning("removing the stale postmaster.pid of a PostgreSQL that did not shut down");
            File.Delete(lockFile);
        }
    }

    // setpriv, not runuser or su: it execs, so the signals reach PostgreSQL itself.
    private static string[] AsPostgresUser(string file, params string[] args) =>
        Servers.IsRoot ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", file, .. args] : [file, .. args];

    private static string? FindBinDirectory() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "postgres"))).OrderByDescending(d => d).FirstOrDefault()
            : null;
}
