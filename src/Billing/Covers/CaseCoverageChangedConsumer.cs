using System.Text.Json;
using MassTransit;
using Npgsql;
using NpgsqlTypes;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Billing.Covers;

/// <summary>
/// Keeps this service's view of a case's cover and policy terms: the latest picture Cases published (by version; an
/// older one arriving late changes nothing). Invoices are adjudicated against it without reading Cases' database.
/// </summary>
public sealed class CaseCoverageChangedConsumer(NpgsqlDataSource dataSource) : InboxBatchConsumer<CaseCoverageChanged>(dataSource)
{
    protected override async Task HandleAsync(ConsumeContext<CaseCoverageChanged> context, NpgsqlTransaction transaction)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO case_covers (tenant_id, case_id, case_number, insured_name, insured_date_of_birth, policy_number, country, policy,
                                     version, changed_at)
            VALUES (@tenant, @case_id, @number, @name, @dob, @policy_number, @country, @policy, @version, @at)
            ON CONFLICT (tenant_id, case_id) DO UPDATE
            SET case_number = excluded.case_number, insured_name = excluded.insured_name,
                insured_date_of_birth = excluded.insured_date_of_birth, policy_number = excluded.policy_number,
                country = coalesce(excluded.country, case_covers.country), policy = coalesce(excluded.policy, case_covers.policy),
                version = excluded.version, changed_at = excluded.changed_at
            WHERE case_covers.version < excluded.version
            """, transaction.Connection, transaction))
        {
            var p = upsert.Parameters;
            p.AddWithValue("tenant", m.TenantId);
            p.AddWithValue("case_id", m.CaseId);
            p.AddWithValue("number", m.CaseNumber);
            p.AddWithValue("name", m.Insured.FullName);
            p.Add(new NpgsqlParameter<DateOnly?>("dob", m.Insured.DateOfBirth));
            p.Add(new NpgsqlParameter<string?>("policy_number", m.Insured.PolicyNumber));
            p.Add(new NpgsqlParameter<string?>("country", m.Location?.Country.Trim().ToUpperInvariant() is { Length: 2 } c ? c : null));
            p.Add(new NpgsqlParameter<string?>("policy", NpgsqlDbType.Jsonb)
            {
                TypedValue = m.Policy is null ? null : JsonSerializer.Serialize(m.Policy, PlatformJson.Options),
            });
            p.AddWithValue("version", m.Version);
            p.AddWithValue("at", m.ChangedAt);
            if (await upsert.ExecuteNonQueryAsync(ct) == 0) return; // an older picture than the one kept
        }

        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM case_cover_benefits WHERE tenant_id = @tenant AND case_id = @case_id")
        {
            Parameters = { new("tenant", m.TenantId), new("case_id", m.CaseId) },
        });
        foreach (var b in m.Benefits.GroupBy(b => Money.Key(b.Benefit)).Select(g => g.First()))
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO case_cover_benefits (tenant_id, case_id, benefit, limit_amount, currency)
                VALUES (@tenant, @case_id, @benefit, @limit, @currency)
                """)
            {
                Parameters =
                {
                    new("tenant", m.TenantId), new("case_id", m.CaseId), new("benefit", Money.Key(b.Benefit)),
                    new NpgsqlParameter<decimal?>("limit", b.Limit), new("currency", Money.Currency(b.Currency)),
                },
            });
        await batch.ExecuteNonQueryAsync(ct);
    }
}
