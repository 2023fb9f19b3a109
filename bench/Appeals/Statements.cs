using System.Globalization;
using Npgsql;

namespace Platform.Bench.Appeals;

/// <summary>
/// Statements per appeal from PostgreSQL's pg_stat_statements (the platform's server loads it; the extension's view is
/// created here in the maintenance database), and the statements that cost the most, for finding where an appeal's
/// database time goes. Transaction control (BEGIN, COMMIT) is left out: it is counted as transactions.
/// </summary>
internal static class Statements
{
    private const string Counted = """
        s.toplevel AND s.query !~* '^\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SAVEPOINT|RELEASE)'
        """;

    /// <returns>Whether the server keeps statement statistics.</returns>
    public static async Task<bool> StartAsync(NpgsqlDataSource server)
    {
        try
        {
            await ExecuteAsync(server, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            await ExecuteAsync(server, "SELECT count(*) FROM pg_stat_statements");
            return true;
        }
        catch (PostgresException) // not loaded (shared_preload_libraries), not installed, or not allowed
        {
            return false;
        }
    }

    public static Task ResetAsync(NpgsqlDataSource server) => ExecuteAsync(server, "SELECT pg_stat_statements_reset()");

    /// <summary>Statements each database has run so far.</summary>
    public static async Task<Dictionary<string, double>> CountAsync(NpgsqlDataSource server, string[] databases)
    {
        await using var cmd = server.CreateCommand($"""
            SELECT d.datname, sum(s.calls)::float8 FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = ANY(@names) AND {Counted}
            GROUP BY d.datname
            """);
        cmd.Parameters.AddWithValue("names", databases);
        var result = databases.ToDictionary(d => d, _ => 0.0);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) result[r.GetString(0)] = r.GetDouble(1);
        return result;
    }

    /// <summary>The statements of the measured steps that took the most time, per appeal.</summary>
    public static async Task PrintTopAsync(NpgsqlDataSource server, string[] databases, int appeals, int top)
    {
        await using var cmd = server.CreateCommand($"""
            SELECT d.datname, s.calls, s.total_exec_time, s.query
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = ANY(@names) AND {Counted}
            ORDER BY s.total_exec_time DESC
            LIMIT @top
            """);
        cmd.Parameters.AddWithValue("names", databases);
        cmd.Parameters.AddWithValue("top", top);
        Console.WriteLine();
        Console.WriteLine($"The {top} statements that took the most time in the measured steps ({appeals} appeals; execution time, without waiting for COMMIT):");
        Console.WriteLine();
        Console.WriteLine("| database | per appeal | ms per appeal | ms each | statement |");
        Console.WriteLine("|---|---:|---:|---:|---|");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var calls = r.GetInt64(1);
            var ms = r.GetDouble(2);
            var text = string.Join(' ', r.GetString(3).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.GetString(0)} | {(double)calls / Math.Max(1, appeals):0.00} | {ms / Math.Max(1, appeals):0.000} | {ms / Math.Max(1, calls):0.000} | `{text[..Math.Min(90, text.Length)].Replace("|", "\\|")}` |"));
        }
    }

    private static async Task ExecuteAsync(NpgsqlDataSource server, string sql)
    {
        await using var cmd = server.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}
