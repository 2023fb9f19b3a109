using Npgsql;

namespace Platform.Cases.Documents;

/// <summary>The document tables. Every statement carries the tenant in its WHERE clause.</summary>
public static class DocumentStore
{
    private const string Columns = """
        id, type, file_name, content_type, size_bytes, sha256, uploaded_at, uploaded_by,
        review_state, review_reason, reviewed_at, reviewed_by, sent_by_contact_id
        """;

    /// <summary>Inserts the document and its bytes; returns null when the same bytes are already on the case.</summary>
    public static async Task<DocumentResponse?> InsertAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, string type,
        string fileName, string contentType, byte[] content, byte[] sha256, DateTimeOffset now, string actor, Guid? sentBy, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO case_documents (id, tenant_id, case_id, type, file_name, content_type, size_bytes, sha256, uploaded_at, uploaded_by,
                                        sent_by_contact_id)
            VALUES (@id, @tenant, @case_id, @type, @file_name, @content_type, @size, @sha256, @now, @actor, @sent_by)
            ON CONFLICT (case_id, sha256) DO NOTHING
            """, transaction.Connection, transaction))
        {
            var p = cmd.Parameters;
            p.AddWithValue("id", id);
            p.AddWithValue("tenant", tenantId);
            p.AddWithValue("case_id", caseId);
            p.AddWithValue("type", type);
            p.AddWithValue("file_name", fileName);
            p.AddWithValue("content_type", contentType);
            p.AddWithValue("size", (long)content.Length);
            p.AddWithValue("sha256", sha256);
            p.AddWithValue("now", now);
            p.AddWithValue("actor", actor);
            p.Add(new NpgsqlParameter<Guid?>("sent_by", sentBy));
            if (await cmd.ExecuteNonQueryAsync(ct) == 0) return null;
        }
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO case_document_contents (document_id, tenant_id, content) VALUES (@id, @tenant, @content)
            """, transaction.Connection, transaction))
        {
            cmd.Parameters.AddWithValue("id", id);
            cmd.Parameters.AddWithValue("tenant", tenantId);
            cmd.Parameters.AddWithValue("content", content);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return new DocumentResponse(id, type, fileName, contentType, content.Length, Convert.ToHexStringLower(sha256), now, actor,
            new DocumentReview(ReviewStates.Received, null, null, null), sentBy);
    }

    public static async Task<DocumentResponse?> FindBySha256Async(NpgsqlConnection connection, string tenantId, Guid caseId, byte[] sha256,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT {Columns} FROM case_documents WHERE tenant_id = @tenant AND case_id = @case_id AND sha256 = @sha256
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        cmd.Parameters.AddWithValue("sha256", sha256);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public static async Task<IReadOnlyList<DocumentResponse>> ListAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        string tenantId, Guid caseId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT {Columns} FROM case_documents WHERE tenant_id = @tenant AND case_id = @case_id ORDER BY uploaded_at, id
            """, connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        var list = new List<DocumentResponse>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    public static async Task<(string FileName, string ContentType, byte[] Content)?> ReadContentAsync(NpgsqlConnection connection,
        string tenantId, Guid caseId, Guid documentId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT d.file_name, d.content_type, c.content
            FROM case_documents d JOIN case_document_contents c ON c.document_id = d.id AND c.tenant_id = d.tenant_id
            WHERE d.tenant_id = @tenant AND d.case_id = @case_id AND d.id = @id
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        cmd.Parameters.AddWithValue("id", documentId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.GetString(0), r.GetString(1), r.GetFieldValue<byte[]>(2)) : null;
    }

    /// <summary>Records a review; a later review replaces the earlier one (both stay on the timeline). Null when there is no such document.</summary>
    public static async Task<DocumentResponse?> ReviewAsync(NpgsqlTransaction transaction, string tenantId, Guid caseId, Guid documentId,
        string decision, string? reason, DateTimeOffset now, string actor, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            UPDATE case_documents SET review_state = @state, review_reason = @reason, reviewed_at = @now, reviewed_by = @actor
            WHERE tenant_id = @tenant AND case_id = @case_id AND id = @id
            RETURNING {Columns}
            """, transaction.Connection, transaction);
        cmd.Parameters.AddWithValue("state", decision);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("reason", reason));
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("actor", actor);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        cmd.Parameters.AddWithValue("id", documentId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    /// <summary>Whether the case has ever been in hospital, from its status changes on the timeline.</summary>
    public static async Task<bool> WasHospitalisedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenantId,
        Guid caseId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT EXISTS (SELECT 1 FROM timeline_entries
                           WHERE tenant_id = @tenant AND case_id = @case_id AND kind = 'status-changed' AND data->>'to' = 'hospitalised')
            """, connection, transaction);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("case_id", caseId);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static DocumentResponse Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), Convert.ToHexStringLower(r.GetFieldValue<byte[]>(5)),
        r.GetFieldValue<DateTimeOffset>(6), r.GetString(7),
        new DocumentReview(r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9),
            r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10), r.IsDBNull(11) ? null : r.GetString(11)),
        r.IsDBNull(12) ? null : r.GetGuid(12));
}
