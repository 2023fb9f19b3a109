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
    protected override async Task ApplyAsync(IReadOnlyList<ConsumeContext<CaseCoverageChanged>> messages, NpgsqlTransaction transaction,
        CancellationToken ct)
    {
        foreach (var pictures in Rounds(messages, m => (m.TenantId, m.CaseId)))
        {
            // The covers this round changed (an older picture than the one kept changes nothing), then their benefits.
            await using var upsert = new NpgsqlCommand("""
                INSERT INTO case_covers (tenant_id, case_id, case_number, insured_name, insured_date_of_birth, policy_number, country, policy,
                                         version, changed_at)
                SELECT tenant_id, case_id, case_number, insured_name, insured_date_of_birth, policy_number, country, policy::jsonb, version, changed_at
                FROM unnest(@tenant::text[], @case_id::uuid[], @number::text[], @name::text[], @dob::date[], @policy_number::text[],
                            @country::text[], @policy::text[], @version::bigint[], @at::timestamptz[])
                     AS p(tenant_id, case_id, case_number, insured_name, insured_date_of_birth, policy_number, country, policy, version, changed_at)
                ON CONFLICT (tenant_id, case_id) DO UPDATE
                SET case_number = excluded.case_number, insured_name = excluded.insured_name,
                    insured_date_of_birth = excluded.insured_date_of_birth, policy_number = excluded.policy_number,
                    country = coalesce(excluded.country, case_covers.country), policy = coalesce(excluded.policy, case_covers.policy),
                    version = excluded.version, changed_at = excluded.changed_at
                WHERE case_covers.version < excluded.version
                RETURNING tenant_id, case_id
                """, transaction.Connection, transaction);
            CoverPictures.BindCase(upsert.Parameters, pictures);
            upsert.Parameters.AddWithValue("country", pictures.Select(m => m.Location?.Country.Trim().ToUpperInvariant() is { Length: 2 } c ? c : null).ToArray());
            upsert.Parameters.AddWithValue("policy", pictures.Select(m => m.Policy is null ? null : JsonSerializer.Serialize(m.Policy, PlatformJson.Options)).ToArray());
            var kept = await CoverPictures.UpsertAsync(upsert, pictures, ct);
            if (kept.Count == 0) continue;

            var benefits = kept.SelectMany(m => m.Benefits.GroupBy(b => Money.Key(b.Benefit)).Select(g => (m, b: g.First()))).ToList();
            await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                DELETE FROM case_cover_benefits b USING unnest(@tenant::text[], @case_id::uuid[]) AS c(tenant_id, case_id)
                WHERE b.tenant_id = c.tenant_id AND b.case_id = c.case_id
                """)
            {
                Parameters = { new("tenant", kept.Select(m => m.TenantId).ToArray()), new("case_id", kept.Select(m => m.CaseId).ToArray()) },
            });
            if (benefits.Count > 0)
                batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                    INSERT INTO case_cover_benefits (tenant_id, case_id, benefit, limit_amount, currency)
                    SELECT * FROM unnest(@tenant::text[], @case_id::uuid[], @benefit::text[], @limit::numeric[], @currency::text[])
                    """)
                {
                    Parameters =
                    {
                        new("tenant", benefits.Select(x => x.m.TenantId).ToArray()),
                        new("case_id", benefits.Select(x => x.m.CaseId).ToArray()),
                        new("benefit", benefits.Select(x => Money.Key(x.b.Benefit)).ToArray()),
                        new("limit", benefits.Select(x => x.b.Limit).ToArray()),
                        new("currency", benefits.Select(x => Money.Currency(x.b.Currency)).ToArray()),
                    },
                });
            await batch.ExecuteNonQueryAsync(ct);
        }
    }
}
