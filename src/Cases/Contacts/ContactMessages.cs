using Npgsql;
using Platform.Cases.Timeline;

namespace Platform.Cases.Contacts;

/// <summary>
/// Messages the case owes its contacts (coverage warnings, document reviews, policy end). Each names its recipient
/// (a contact of the case) and channel (the contact's preferred one) and is written in the recipient's language by the
/// caller of <see cref="QueueAsync"/>. Queued in the caller's transaction and shown on the timeline; delivery by SMS,
/// e-mail or messenger is a sender's job (not built yet).
/// </summary>
public static class ContactMessages
{
    /// <param name="recipient">Null only for a case without any contact; the message then waits for a coordinator to pass it on.</param>
    public static async Task QueueAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, CaseContact? recipient, string kind,
        string text, DateTimeOffset now, string actor, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO contact_messages (id, tenant_id, case_id, kind, text, created_at, contact_id, recipient, channel, language)
            VALUES (@id, @tenant, @case_id, @kind, @text, @now, @contact_id, @recipient, @channel, @language)
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("id", Guid.CreateVersion7());
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("text", text);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.Add(new NpgsqlParameter<Guid?>("contact_id", recipient?.Id));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("recipient", recipient?.Name));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("channel", recipient?.PreferredChannel));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("language", recipient?.WrittenLanguage));
        await cmd.ExecuteNonQueryAsync(ct);
        var to = recipient is null ? "No contact on the case" : $"To {recipient.Name} ({recipient.Relation}) by {recipient.PreferredChannel}";
        await CaseTimeline.AppendAsync(transaction, tenantId, caseId, now, "message-to-contact", $"{to}: {text}", actor,
            new { kind, contactId = recipient?.Id, recipient = recipient?.Name, channel = recipient?.PreferredChannel, language = recipient?.WrittenLanguage },
            ct);
    }
}
