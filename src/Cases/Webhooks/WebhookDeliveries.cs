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
        new("""
            INSERT INTO webhook_deliveries (id, event_id, tenant_id, subscription_id, case_id, case_number, kind, summary, at, data,
                                            next_attempt_at, created_at)
            SELECT gen_random_uuid(), @event_id, s.tenant_id, s.id, c.id, c.number, @kind, @summary, @at, @data, LEAST(@at, now()), now()
            FROM webhook_subscriptions s
            JOIN cases c ON c.id = @case_id AND c.tenant_id = s.tenant_id
            WHERE s.tenant_id = @tenant AND s.deleted_at IS NULL AND ('*' = ANY (s.events) OR @kind = ANY (s.events))
            """)
        {
            Parameters =
            {
                new NpgsqlParameter("event_id", Guid.CreateVersion7()),
                new NpgsqlParameter("tenant", tenantId),
                new NpgsqlParameter("case_id", caseId),
                new NpgsqlParameter("kind", kind),
                new NpgsqlParameter("summary", summary),
                new NpgsqlParameter("at", at),
                new NpgsqlParameter("data", NpgsqlDbType.Jsonb) { Value = (object?)dataJson ?? DBNull.Value },
            },
        };
}
