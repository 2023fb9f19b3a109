using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.ClinicNetwork.Guarantees;

/// <summary>
/// Keeps this service's view of a case's cover: the latest picture Cases published (by version; an older one arriving
/// late changes nothing). Letters are issued against it without reading Cases' database.
/// </summary>
public sealed class CaseCoverageChangedConsumer(NpgsqlDataSource dataSource) : InboxBatchConsumer<CaseCoverageChanged>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<CaseCoverageChanged> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO case_covers (tenant_id, case_id, case_number, insured_name, insured_date_of_birth, policy_number, version, changed_at,
                                     country, city)
            VALUES (@tenant, @case_id, @number, @name, @dob, @policy, @version, @at, @country, @city)
            ON CONFLICT (tenant_id, case_id) DO UPDATE
            SET case_number = excluded.case_number, insured_name = excluded.insured_name,
                insured_date_of_birth = excluded.insured_date_of_birth, policy_number = excluded.policy_number,
                version = excluded.version, changed_at = excluded.changed_at,
                country = coalesce(excluded.country, case_covers.country), city = coalesce(excluded.city, case_covers.city)
            WHERE case_covers.version < excluded.version
            """, transaction.Connection, transaction))
        {
            upsert.Parameters.AddWithValue("tenant", m.TenantId);
            upsert.Parameters.AddWithValue("case_id", m.CaseId);
            upsert.Parameters.AddWithValue("number", m.CaseNumber);
            upsert.Parameters.AddWithValue("name", m.Insured.FullName);
            upsert.Parameters.Add(new NpgsqlParameter<DateOnly?>("dob", m.Insured.DateOfBirth));
            upsert.Parameters.Add(new NpgsqlParameter<string?>("policy", m.Insured.PolicyNumber));
            upsert.Parameters.AddWithValue("version", m.Version);
            upsert.Parameters.AddWithValue("at", m.ChangedAt);
            upsert.Parameters.Add(new NpgsqlParameter<string?>("country", m.Location?.Country));
            upsert.Parameters.Add(new NpgsqlParameter<string?>("city", m.Location?.City));
            if (await upsert.ExecuteNonQueryAsync(ct) == 0) return; // an older picture than the one kept
        }

        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM case_cover_benefits WHERE tenant_id = @tenant AND case_id = @case_id")
        {
            Parameters = { new("tenant", m.TenantId), new("case_id", m.CaseId) },
        });
        foreach (var b in m.Benefits.GroupBy(b => Cover.Key(b.Benefit)).Select(g => g.First()))
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO case_cover_benefits (tenant_id, case_id, benefit, limit_amount, currency, reserved, spent)
                VALUES (@tenant, @case_id, @benefit, @limit, @currency, @reserved, @spent)
                """)
            {
                Parameters =
                {
                    new("tenant", m.TenantId), new("case_id", m.CaseId), new("benefit", Cover.Key(b.Benefit)),
                    new NpgsqlParameter<decimal?>("limit", b.Limit), new("currency", Cover.Currency(b.Currency)),
                    new("reserved", b.Reserved), new("spent", b.Spent),
                },
            });
        await batch.ExecuteNonQueryAsync(ct);
    }
}
