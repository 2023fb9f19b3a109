using Npgsql;
using Platform.Cases.Timeline;

namespace Platform.Cases.Contacts;

/// <summary>
/// Messages the case owes its contacts (coverage warnings, missing documents, policy end). Queued in the caller's
/// transaction and shown on the timeline; delivery by SMS, e-mail or messenger is a sender's job (not built yet).
/// </summary>
public static class ContactMessages
{
    public static async Task QueueAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, string kind, string text,
        DateTimeOffset now, string actor, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO contact_messages (id, tenant_id, case_id, kind, text, created_at)
            VALUES (@id, @tenant, @case_id, @kind, @text, @now)
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("id", Guid.CreateVersion7());
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("text", text);
        cmd.Parameters.AddWithValue("now", now);
        await cmd.ExecuteNonQueryAsync(ct);
        await CaseTimeline.AppendAsync(transaction, tenantId, caseId, now, "message-to-contact", text, actor, new { kind }, ct);
    }
}
