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
            FROM unnest(@event_id::uuid[], @kind::text[], @summary::text[], @at::timestamptz[], @data::text[])
                 WITH ORDINALITY AS e(event_id, kind, summary, at, data, n)
            JOIN webhook_subscriptions s ON s.tenant_id = @tenant AND s.deleted_at IS NULL AND ('*' = ANY (s.events) OR e.kind = ANY (s.events))
            JOIN cases c ON c.id = @case_id AND c.tenant_id = s.tenant_id
            ORDER BY e.n
            """)
        {
            Parameters =
            {
                new NpgsqlParameter("event_id", entries.Select(_ => Guid.CreateVersion7()).ToArray()),
                new NpgsqlParameter("tenant", tenantId),
                new NpgsqlParameter("case_id", caseId),
                new NpgsqlParameter("kind", entries.Select(e => e.Kind).ToArray()),
                new NpgsqlParameter("summary", entries.Select(e => e.Summary).ToArray()),
                new NpgsqlParameter("at", entries.Select(e => e.At).ToArray()),
                new NpgsqlParameter("data", entries.Select(e => e.DataJson).ToArray()),
            },
        };

    /// <summary>A timeline entry as its deliveries announce it; <paramref name="DataJson"/>: its data, already serialised.</summary>
    public sealed record Announced(string Kind, string Summary, DateTimeOffset At, string? DataJson);
}
