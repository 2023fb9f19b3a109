using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Platform.Intake.Policies;

/// <summary>What loading a batch came to: the counts, or the errors (and then nothing was written).</summary>
public sealed record PolicyLoadOutcome(PolicyBatchResult? Result, IDictionary<string, string[]>? Errors, bool ErrorsTruncated);

/// <summary>
/// Loads a register into the tenant's policies: upsert by policy number, and the insured persons of each loaded policy
/// replaced by the batch's. A batch is all or nothing: it is read and checked while it streams into a staging table
/// by binary COPY, inside one transaction; a batch with any bad row is rolled back whole and answered with every error
/// found (up to <see cref="MaxRowsWithErrors"/> rows), so an insurer fixes its file and sends it again rather than
/// working out which half of it was taken. The merge is then a few set-based statements.
/// </summary>
public sealed class PolicyLoader(NpgsqlDataSource dataSource, IOptions<JsonOptions> json)
{
    public const int MaxRowsWithErrors = 100;

    public Task<PolicyLoadOutcome> LoadJsonAsync(string tenantId, Stream body, CancellationToken ct) =>
        LoadAsync(tenantId, "policies", (batch, c) => new PolicyJsonReader(json.Value.SerializerOptions).ReadAsync(body, batch, c), ct);

    public Task<PolicyLoadOutcome> LoadCsvAsync(string tenantId, Stream body, CancellationToken ct) =>
        LoadAsync(tenantId, "rows", (batch, c) => PolicyCsvReader.ReadAsync(body, batch, c), ct);

    private async Task<PolicyLoadOutcome> LoadAsync(string tenantId, string emptyKey, Func<PolicyBatch, CancellationToken, Task> read,
        CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var create = new NpgsqlCommand("""
            CREATE TEMP TABLE policy_staging (
                kind                smallint NOT NULL,   -- 0: a policy, 1: an insured person of it
                policy_number       text COLLATE "C" NOT NULL,
                plan                text,
                starts_on           date,
                ends_on             date,
                territory           text[],
                limits              jsonb,
                deductible_amount   numeric,
                deductible_currency text,
                covered_risks       text[],
                excluded_risks      text[],
                assistance_partner  text,
                position            int,
                full_name           text,
                date_of_birth       date,
                document_number     text
            ) ON COMMIT DROP;
            CREATE TEMP TABLE policy_upserted (
                id            bigint NOT NULL,
                policy_number text COLLATE "C" NOT NULL,
                inserted      boolean NOT NULL
            ) ON COMMIT DROP;
            """, connection, transaction))
            await create.ExecuteNonQueryAsync(ct);

        PolicyBatch batch;
        await using (var importer = await connection.BeginBinaryImportAsync("""
            COPY policy_staging (kind, policy_number, plan, starts_on, ends_on, territory, limits, deductible_amount,
                deductible_currency, covered_risks, excluded_risks, assistance_partner, position, full_name, date_of_birth,
                document_number) FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            batch = new PolicyBatch(importer, MaxRowsWithErrors);
            await read(batch, ct);
            if (batch.Errors.IsValid && batch.Policies == 0) batch.Reject(emptyKey, "The batch holds no policy.");
            // Leaving without Complete cancels the COPY, and disposing the transaction rolls everything back.
            if (!batch.Errors.IsValid) return new PolicyLoadOutcome(null, batch.Errors.ToDictionary(), batch.TooManyErrors);
            await importer.CompleteAsync(ct);
        }

        // Sorted by policy number, so that two batches touching the same policies lock them in the same order. The
        // memory lets the sort and the joins of 100,000s of rows run without spilling; statistics on the two join
        // columns let the planner pick hash joins.
        await using var merge = new NpgsqlCommand("""
            SET LOCAL work_mem = '256MB';
            ANALYZE policy_staging (kind, policy_number);

            WITH upserted AS (
                INSERT INTO policies AS p (tenant_id, policy_number, plan, starts_on, ends_on, territory, limits,
                    deductible_amount, deductible_currency, covered_risks, excluded_risks, assistance_partner)
                SELECT @tenant, policy_number, plan, starts_on, ends_on, territory, limits,
                    deductible_amount, deductible_currency, covered_risks, excluded_risks, assistance_partner
                FROM policy_staging
                WHERE kind = 0
                ORDER BY policy_number
                ON CONFLICT (tenant_id, policy_number) DO UPDATE SET
                    plan = excluded.plan,
                    starts_on = excluded.starts_on,
                    ends_on = excluded.ends_on,
                    territory = excluded.territory,
                    limits = excluded.limits,
                    deductible_amount = excluded.deductible_amount,
                    deductible_currency = excluded.deductible_currency,
                    covered_risks = excluded.covered_risks,
                    excluded_risks = excluded.excluded_risks,
                    assistance_partner = excluded.assistance_partner,
                    updated_at = now()
                RETURNING p.id, p.policy_number, p.xmax = 0 AS inserted)
            INSERT INTO policy_upserted (id, policy_number, inserted)
            SELECT id, policy_number, inserted FROM upserted;

            ANALYZE policy_upserted;

            DELETE FROM policy_insured i
            USING policy_upserted u
            WHERE i.tenant_id = @tenant AND i.policy_id = u.id AND NOT u.inserted;

            INSERT INTO policy_insured (policy_id, tenant_id, position, full_name, date_of_birth, document_number)
            SELECT u.id, @tenant, s.position, s.full_name, s.date_of_birth, s.document_number
            FROM policy_staging s
            JOIN policy_upserted u ON u.policy_number = s.policy_number
            WHERE s.kind = 1;

            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM policy_upserted;
            """, connection, transaction);
        merge.Parameters.AddWithValue("tenant", tenantId);
        int created, updated;
        await using (var reader = await merge.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            created = (int)reader.GetInt64(0);
            updated = (int)reader.GetInt64(1);
        }
        await transaction.CommitAsync(ct);
        return new PolicyLoadOutcome(new PolicyBatchResult(created, updated, created + updated, batch.InsuredPersons), null, false);
    }
}

/// <summary>
/// A batch being read: the readers hand it policies and insured persons as they parse them, and it streams them into
/// the staging table. Once a row is bad nothing more is written (the batch will be rolled back); reading goes on to
/// report the other bad rows.
/// </summary>
internal sealed class PolicyBatch(NpgsqlBinaryImporter importer, int maxRowsWithErrors)
{
    private static readonly JsonSerializerOptions LimitsJson = PlatformJson.Options;

    public ValidationErrors Errors { get; } = new();
    public int RowsWithErrors { get; private set; }
    public bool TooManyErrors => RowsWithErrors >= maxRowsWithErrors;
    public int Policies { get; private set; }
    public int InsuredPersons { get; private set; }

    public void Reject(ValidationErrors row)
    {
        foreach (var (field, messages) in row.ToDictionary())
            foreach (var message in messages) Errors.Add(field, message);
        RowsWithErrors++;
    }

    public void Reject(string field, string error)
    {
        Errors.Add(field, error);
        RowsWithErrors++;
    }

    /// <summary>Stages a policy and the insured persons it carries.</summary>
    public async Task AddPolicyAsync(Policy policy, CancellationToken ct)
    {
        Policies++;
        if (RowsWithErrors == 0)
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync((short)0, NpgsqlDbType.Smallint, ct);
            await importer.WriteAsync(policy.PolicyNumber, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(policy.Plan, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(policy.Period.Start, NpgsqlDbType.Date, ct);
            await importer.WriteAsync(policy.Period.End, NpgsqlDbType.Date, ct);
            await importer.WriteAsync(Array(policy.Territory), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
            await importer.WriteAsync(JsonSerializer.Serialize(policy.Limits, LimitsJson), NpgsqlDbType.Jsonb, ct);
            if (policy.Deductible is { } deductible)
            {
                await importer.WriteAsync(deductible.Amount, NpgsqlDbType.Numeric, ct);
                await importer.WriteAsync(deductible.Currency, NpgsqlDbType.Text, ct);
            }
            else
            {
                await importer.WriteNullAsync(ct);
                await importer.WriteNullAsync(ct);
            }
            await importer.WriteAsync(Array(policy.CoveredRisks), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
            await importer.WriteAsync(Array(policy.ExcludedRisks), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
            await WriteOrNullAsync(policy.AssistancePartner, ct);
            for (var i = 0; i < 4; i++) await importer.WriteNullAsync(ct);
        }
        for (var i = 0; i < policy.Insured.Count; i++) await AddInsuredAsync(policy.PolicyNumber, i, policy.Insured[i], ct);
    }

    /// <summary>Stages one more insured person of a policy already staged.</summary>
    public async Task AddInsuredAsync(string policyNumber, int position, InsuredPerson person, CancellationToken ct)
    {
        InsuredPersons++;
        if (RowsWithErrors > 0) return;
        await importer.StartRowAsync(ct);
        await importer.WriteAsync((short)1, NpgsqlDbType.Smallint, ct);
        await importer.WriteAsync(policyNumber, NpgsqlDbType.Text, ct);
        for (var i = 0; i < 10; i++) await importer.WriteNullAsync(ct);
        await importer.WriteAsync(position, NpgsqlDbType.Integer, ct);
        await importer.WriteAsync(person.FullName, NpgsqlDbType.Text, ct);
        await importer.WriteAsync(person.DateOfBirth, NpgsqlDbType.Date, ct);
        await WriteOrNullAsync(person.Document, ct);
    }

    private static string[] Array(IReadOnlyList<string> values) => values as string[] ?? [.. values];

    private async Task WriteOrNullAsync(string? value, CancellationToken ct)
    {
        if (value is null) await importer.WriteNullAsync(ct);
        else await importer.WriteAsync(value, NpgsqlDbType.Text, ct);
    }
}
