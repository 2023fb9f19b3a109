using System.Text.Json;
using Npgsql;

namespace Platform.Intake.Policies;

/// <summary>Reads the policy registers. Every query carries the tenant in its WHERE clause.</summary>
public sealed class PolicyStore(NpgsqlDataSource dataSource)
{
    private static readonly JsonSerializerOptions Json = PlatformJson.Options;

    private const string Columns = """
        p.policy_number, p.plan, p.starts_on, p.ends_on, p.territory, p.limits, p.deductible_amount, p.deductible_currency,
        p.covered_risks, p.excluded_risks, p.assistance_partner,
        (SELECT coalesce(json_agg(json_build_object(
                    'fullName', i.full_name, 'dateOfBirth', i.date_of_birth, 'document', i.document_number) ORDER BY i.position), '[]')
         FROM policy_insured i
         WHERE i.tenant_id = p.tenant_id AND i.policy_id = p.id)
        """;

    // Positional parameters ($1 the tenant, ...): Npgsql sends the text as written, where named ones make it parse
    // and rewrite the statement on every call; these run on every appeal.
    private const string ByNumberSql = $"""
        SELECT {Columns}
        FROM policies p
        WHERE p.tenant_id = $1 AND p.policy_number = $2
        """;

    private const string ByInsuredSql = $"""
        SELECT {Columns}
        FROM policies p
        WHERE p.tenant_id = $1
          AND p.id IN (SELECT i.policy_id FROM policy_insured i
                       WHERE i.tenant_id = $1 AND lower(i.full_name) = lower($2) AND i.date_of_birth = $3)
        ORDER BY p.ends_on DESC, p.policy_number
        LIMIT 20
        """;

    /// <summary>The tenant's policy by its number; on <paramref name="connection"/> when given (the caller's transaction).</summary>
    public async Task<Policy?> FindAsync(string tenantId, string policyNumber, CancellationToken ct, NpgsqlConnection? connection = null)
    {
        await using var cmd = Command(connection, ByNumberSql);
        cmd.Parameters.AddRange(ByNumberParameters(tenantId, policyNumber));
        var policies = await ReadAsync(cmd, ct);
        return policies.Count == 0 ? null : policies[0];
    }

    /// <summary>Policies on which a person of this name (case-insensitive, whitespace-normalised) and date of birth is insured.</summary>
    public async Task<IReadOnlyList<Policy>> FindByInsuredAsync(string tenantId, string fullName, DateOnly dateOfBirth, CancellationToken ct,
        NpgsqlConnection? connection = null)
    {
        await using var cmd = Command(connection, ByInsuredSql);
        cmd.Parameters.AddRange(ByInsuredParameters(tenantId, fullName, dateOfBirth));
        return await ReadAsync(cmd, ct);
    }

    /// <summary><see cref="FindAsync"/> as a statement of the caller's batch; its result is read with <see cref="ReadAsync(NpgsqlDataReader, CancellationToken)"/>.</summary>
    public static NpgsqlBatchCommand FindCommand(string tenantId, string policyNumber)
    {
        var command = new NpgsqlBatchCommand(ByNumberSql);
        command.Parameters.AddRange(ByNumberParameters(tenantId, policyNumber));
        return command;
    }

    /// <summary><see cref="FindByInsuredAsync"/> as a statement of the caller's batch.</summary>
    public static NpgsqlBatchCommand FindByInsuredCommand(string tenantId, string fullName, DateOnly dateOfBirth)
    {
        var command = new NpgsqlBatchCommand(ByInsuredSql);
        command.Parameters.AddRange(ByInsuredParameters(tenantId, fullName, dateOfBirth));
        return command;
    }

    private static NpgsqlParameter[] ByNumberParameters(string tenantId, string policyNumber) =>
        [new() { Value = tenantId }, new() { Value = policyNumber.Trim() }];

    private static NpgsqlParameter[] ByInsuredParameters(string tenantId, string fullName, DateOnly dateOfBirth) =>
        [new() { Value = tenantId }, new() { Value = PolicyRules.NormalizeName(fullName) }, new() { Value = dateOfBirth }];

    /// <summary>Policies whose number, or one of whose insured persons' names, starts with <paramref name="search"/>
    /// (all policies when it is empty), by policy number.</summary>
    public async Task<IReadOnlyList<PolicyListItem>> SearchAsync(string tenantId, string? search, int limit, CancellationToken ct)
    {
        var prefix = string.IsNullOrWhiteSpace(search) ? null : Escape(PolicyRules.NormalizeName(search)) + "%";
        await using var cmd = dataSource.CreateCommand("""
            SELECT p.policy_number, p.plan, p.starts_on, p.ends_on,
                   ARRAY(SELECT i.full_name FROM policy_insured i
                         WHERE i.tenant_id = p.tenant_id AND i.policy_id = p.id ORDER BY i.position)
            FROM policies p
            WHERE p.tenant_id = @tenant
              AND (@prefix::text IS NULL OR p.id IN (
                    SELECT id FROM policies WHERE tenant_id = @tenant AND policy_number LIKE @prefix
                    UNION
                    SELECT policy_id FROM policy_insured WHERE tenant_id = @tenant AND lower(full_name) LIKE lower(@prefix)))
            ORDER BY p.policy_number
            LIMIT @limit
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("prefix", NpgsqlTypes.NpgsqlDbType.Text, (object?)prefix ?? DBNull.Value);
        cmd.Parameters.AddWithValue("limit", limit);
        var items = new List<PolicyListItem>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            items.Add(new PolicyListItem(r.GetString(0), r.GetString(1),
                new PolicyPeriod(r.GetFieldValue<DateOnly>(2), r.GetFieldValue<DateOnly>(3)), r.GetFieldValue<string[]>(4)));
        return items;
    }

    private NpgsqlCommand Command(NpgsqlConnection? connection, string sql) =>
        connection is null ? dataSource.CreateCommand(sql) : new NpgsqlCommand(sql, connection);

    private static async Task<IReadOnlyList<Policy>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await ReadAsync(r, ct);
    }

    /// <summary>The policies of the reader's current result (a statement of <see cref="FindCommand"/>'s or <see cref="FindByInsuredCommand"/>'s).</summary>
    public static async Task<IReadOnlyList<Policy>> ReadAsync(NpgsqlDataReader r, CancellationToken ct)
    {
        var policies = new List<Policy>();
        while (await r.ReadAsync(ct))
            policies.Add(new Policy(
                r.GetString(0),
                r.GetString(1),
                new PolicyPeriod(r.GetFieldValue<DateOnly>(2), r.GetFieldValue<DateOnly>(3)),
                r.GetFieldValue<string[]>(4),
                JsonSerializer.Deserialize<InsuredPerson[]>(r.GetString(11), Json)!,
                JsonSerializer.Deserialize<BenefitLimit[]>(r.GetString(5), Json)!,
                r.IsDBNull(6) ? null : new Money(r.GetDecimal(6), r.GetString(7)),
                r.GetFieldValue<string[]>(8),
                r.GetFieldValue<string[]>(9),
                r.IsDBNull(10) ? null : r.GetString(10)));
        return policies;
    }

    private static string Escape(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
