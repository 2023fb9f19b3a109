using System.Collections.Concurrent;
using Npgsql;

namespace Platform.Cases.CaseFiles;

/// <summary>
/// The case-number sequence of each tenant's year (migration 0011). The first filing of a tenant's year in this
/// process creates it, unless it exists, in a transaction of its own; later filings find it in memory.
/// </summary>
internal static class NumberSequences
{
    private static readonly ConcurrentDictionary<(string Database, string Tenant, int Year), bool> Known = new();

    public static async Task EnsureAsync(NpgsqlDataSource dataSource, string tenantId, int year, CancellationToken ct)
    {
        var key = (dataSource.ConnectionString, tenantId, year);
        if (Known.ContainsKey(key)) return;
        await using var create = dataSource.CreateCommand("SELECT create_case_number_sequence($1, $2)");
        create.Parameters.Add(new() { Value = tenantId });
        create.Parameters.Add(new() { Value = year });
        await create.ExecuteNonQueryAsync(ct);
        Known[key] = true;
    }

    /// <summary>
    /// Runs a batch that takes a number. Should the sequence have gone since it was known here (a database restored
    /// from an older backup), it is forgotten, so that the message's retry creates it again.
    /// </summary>
    public static async Task<NpgsqlDataReader> ReadAsync(NpgsqlBatch batch, string tenantId, int year, CancellationToken ct)
    {
        try
        {
            return await batch.ExecuteReaderAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            foreach (var key in Known.Keys.Where(k => k.Tenant == tenantId && k.Year == year)) Known.TryRemove(key, out _);
            throw;
        }
    }
}
