using System.Data.Common;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

public static class PostgresExtensions
{
    /// <summary>
    /// Registers the service's own database from <c>ConnectionStrings:{name}</c>, its readiness check, and the schema
    /// migrations embedded in <paramref name="migrations"/> (files under <c>Migrations/*.sql</c>), applied at start.
    /// </summary>
    public static TBuilder AddPostgres<TBuilder>(this TBuilder builder, string name, Assembly migrations) where TBuilder : IHostApplicationBuilder
    {
        // Aspire's client integration: the data source (named in traces and metrics), its readiness check and telemetry.
        builder.AddNpgsqlDataSource(name, configureDataSourceBuilder: ds =>
        {
            ds.Name = name;
            // The statements a service runs again and again are prepared once per physical connection (Npgsql's
            // automatic preparation: parsed and planned once, not on every call) and kept across pool check-outs. The
            // services leave no session state on a pooled connection (SET LOCAL only; the migrator unlocks what it
            // locks; the relay's LISTEN connection goes back only broken), so the reset that would drop them on every
            // check-out (DISCARD ALL) is left out. A connection string that sets either keeps its own value.
            var settings = ds.ConnectionStringBuilder;
            var given = GivenKeywords(settings.ConnectionString);
            if (!given.Contains("maxautoprepare")) settings.MaxAutoPrepare = 64;
            if (!given.Contains("noresetonclose")) settings.NoResetOnClose = true;
            // A bounded pool: Npgsql's default of 100 connections per data source let a burst open a hundred server
            // processes for one service on two cores (each planning its statements afresh and evicting the others'
            // caches) and would let a few replicas of each service exhaust the server's connections. Beyond the
            // bound a request waits for a connection instead.
            if (!given.Contains("maxpoolsize") && !given.Contains("maximumpoolsize")) settings.MaxPoolSize = 20;
            // A command gets a span only inside a trace (a request, a consumed message): the pollers' statements (outbox
            // relay, SLA clock, webhooks) would otherwise be a root trace each, every half second, burying the real ones.
            // The span carries no "received-first-response" event (one bench run's dashboard held 33,000 of them beside
            // 189,000 spans): its own duration is what is read.
            ds.ConfigureTracing(t => t
                .EnablePhysicalOpenTracing(false)
                .EnableFirstResponseEvent(false)
                .ConfigureCommandFilter(_ => System.Diagnostics.Activity.Current is not null)
                .ConfigureBatchFilter(_ => System.Diagnostics.Activity.Current is not null));
        });
        // Named after the assembly that holds the scripts, so every replica (whatever its application name) agrees on ids.
        builder.Services.AddMigrations(migrations, migrations.GetName().Name!);
        builder.Services.AddHostedService<SchemaMigrator>();
        return builder;
    }

    /// <summary>
    /// The keywords a connection string sets, lower case without spaces. (NpgsqlConnectionStringBuilder.ContainsKey
    /// answers whether a keyword is supported, not whether it is set.)
    /// </summary>
    internal static HashSet<string> GivenKeywords(string? connectionString) =>
        new DbConnectionStringBuilder { ConnectionString = connectionString ?? "" }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()).ToHashSet();

    /// <summary>Adds a source of embedded migration scripts; libraries (the outbox) add theirs next to the service's.</summary>
    public static IServiceCollection AddMigrations(this IServiceCollection services, Assembly assembly, string module)
    {
        services.AddSingleton(new MigrationSource(module, assembly));
        return services;
    }
}

public sealed record MigrationSource(string Module, Assembly Assembly)
{
    public IEnumerable<(string Id, string Sql)> Scripts() =>
        Assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = Assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                var file = n[(n.IndexOf(".Migrations.", StringComparison.Ordinal) + ".Migrations.".Length)..];
                return ($"{Module}/{file}", reader.ReadToEnd());
            });
}

/// <summary>
/// Applies pending migrations in order, each in its own transaction, under a session advisory lock so that replicas
/// starting together apply each script exactly once. Runs before the server accepts requests.
/// </summary>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource, IEnumerable<MigrationSource> sources, ILogger<SchemaMigrator> logger) : IHostedService
{
    private const long LockKey = 0x5C4E_4D41; // any constant shared by all replicas of a database

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var conn = await OpenWithRetryAsync(cancellationToken);
        await Exec(conn, null, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", LockKey));
        try
        {
            await Exec(conn, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    id         text PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken);

            var applied = new HashSet<string>();
            await using (var cmd = new NpgsqlCommand("SELECT id FROM schema_migrations", conn))
            await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken)) applied.Add(reader.GetString(0));

            foreach (var (id, sql) in sources.SelectMany(s => s.Scripts()))
            {
                if (applied.Contains(id)) continue;
                await using var tx = await conn.BeginTransactionAsync(cancellationToken);
                await Exec(conn, tx, sql, cancellationToken);
                await Exec(conn, tx, "INSERT INTO schema_migrations (id) VALUES (@id)", cancellationToken, ("id", id));
                await tx.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Migration}", id);
            }
        }
        finally
        {
            await Exec(conn, null, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", LockKey));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<NpgsqlConnection> OpenWithRetryAsync(CancellationToken ct)
    {
        // The database may still be starting (a pod next to its database, or the local orchestrator).
        for (var attempt = 1; ; attempt++)
        {
            try { return await dataSource.OpenConnectionAsync(ct); }
            catch (NpgsqlException e) when (attempt < 30)
            {
                logger.LogWarning("Database not reachable yet ({Message}); retrying", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    private static async Task Exec(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct, params (string, object)[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
