using Npgsql;
using NpgsqlTypes;

namespace Platform.Cases.Webhooks;

/// <summary>Deliveries owed to insurers, written with the timeline entry they announce.</summary>
public static class WebhookDeliveries
{
    /// <summary>
    /// In the transaction of a timeline entry: one pending delivery per subscription of the case's tenant whose events
    /// match the entry's kind. The joins on the tenant are the guarantee that an entry only ever goes to its own
    /// tenant's endpoints, whatever the caller passes. <paramref name="dataJson"/> is the entry's data, already serialised.
    /// </summary>
    public static NpgsqlBatchCommand Command(string tenantId, Guid caseId, string kind, string summary, DateTimeOffset at, string? dataJson) =>
        Command(tenantId, caseId, [new Announced(kind, summary, at, dataJson)]);

    /// <summary>As above for several entries of one case (a case's first entries, written together), in their order.</summary>
    public static NpgsqlBatchCommand Command(string tenantId, Guid caseId, IReadOnlyList<Announced> entries) =>
        new("""
            INSERT INTO webhook_deliveries (id, event_id, tenant_id, subscription_id, case_id, case_number, kind, summary, at, data,
                                            next_attempt_at, created_at)
            SELECT gen_random_uuid(), e.event_id, s.tenant_id, s.id, c.id, c.number, e.kind, e.summary, e.at, e.data::jsonb,
                   LEAST(e.at, now()), now()
            FROM unnest($1::uuid[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
                 WITH ORDINALITY AS e(event_id, kind, summary, at, data, n)
            JOIN webhook_subscriptions s ON s.tenant_id = $2 AND s.deleted_at IS NULL AND ('*' = ANY (s.events) OR e.kind = ANY (s.events))
            JOIN cases c ON c.id = $3 AND c.tenant_id = s.tenant_id
            ORDER BY e.n
            """)
        {
            // Positional ($1 the event ids, $2 the tenant, $3 the case, then the entries' kinds, summaries, times and
            // data): every timeline entry runs this, and named parameters would have Npgsql rewrite its text each time.
            Parameters =
            {
                new() { Value = entries.Select(_ => Guid.CreateVersion7()).ToArray() },
                new() { Value = tenantId },
                new() { Value = caseId },
                new() { Value = entries.Select(e => e.Kind).ToArray() },
                new() { Value = entries.Select(e => e.Summary).ToArray() },
                new() { Value = entries.Select(e => e.At).ToArray() },
                new() { Value = entries.Select(e => e.DataJson).ToArray() },
            },
        };

    /// <summary>A timeline entry as its deliveries announce it; <paramref name="DataJson"/>: its data, already serialised.</summary>
    public sealed record Announced(string Kind, string Summary, DateTimeOffset At, string? DataJson);
}
