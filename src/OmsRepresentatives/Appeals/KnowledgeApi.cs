using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Platform.OmsRepresentatives.Appeals;

public sealed record KnowledgeRequest(
    [property: OneOf(typeof(AppealKinds), nameof(AppealKinds.Codes))] string? Kind, string? Question, string? Answer, string? Keywords);

/// <summary>A typical question and the answer tier 1 gives; <c>Rank</c> is the full-text match's rank in a search.</summary>
public sealed record KnowledgeArticle(string Code, string Kind, string Question, string Answer, string Keywords, DateTimeOffset UpdatedAt, double? Rank);

/// <summary>
/// The SMO's knowledge base for tier 1: articles searched by PostgreSQL full text with the 'russian' configuration
/// (stemming, so "полиса" finds "полис"), ranked; edited by the SMO's supervisor.
/// </summary>
internal static partial class KnowledgeApi
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,63}$")]
    private static partial Regex Code();

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/knowledge").WithTags("OMS knowledge base");
        group.MapGet("/", SearchAsync).RequireAccess(Access.OmsAppeals)
            .WithSummary("Searches the knowledge base (q=, Russian full text, best match first; kind= narrows); without q, all articles by code");
        group.MapGet("/{code}", GetAsync).RequireAccess(Access.OmsAppeals).WithSummary("One article");
        group.MapPut("/{code}", PutAsync).RequireAccess(Access.OmsConfigure)
            .WithSummary("Adds or replaces an article (code: 2-64 lower-case letters, digits, dashes)");
    }

    public static async Task<KnowledgeArticle?> FindAsync(NpgsqlConnection connection, string tenantId, string code, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT code, kind, question, answer, keywords, updated_at FROM knowledge_articles WHERE tenant_id = @tenant AND code = @code
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("code", code.Trim().ToLowerInvariant());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r, null) : null;
    }

    private static KnowledgeArticle Read(NpgsqlDataReader r, double? rank) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetFieldValue<DateTimeOffset>(5), rank);

    private static async Task<Results<Ok<KnowledgeArticle>, ProblemHttpResult>> GetAsync(string code, RequestIdentity identity, NpgsqlDataSource db,
        CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await FindAsync(connection, identity.TenantId, code, ct) is { } article
            ? TypedResults.Ok(article) : Problems.NotFound($"Knowledge-base article {code} was not found.");
    }

    private static async Task<Results<Ok<KnowledgeArticle[]>, ValidationProblem>> SearchAsync(
        RequestIdentity identity, NpgsqlDataSource db, CancellationToken ct, string? q = null,
        [OneOf(typeof(AppealKinds), nameof(AppealKinds.Codes))] string? kind = null, int limit = 20)
    {
        var e = new ValidationErrors();
        e.MaxLength("q", q, 300);
        e.OneOf("kind", kind, AppealKinds.Codes);
        if (limit is < 1 or > 100) e.Add("limit", "The limit must be 1 to 100.");
        if (!e.IsValid) return Problems.Validation(e.ToDictionary());
        await using var connection = await db.OpenConnectionAsync(ct);
        // websearch_to_tsquery reads what a person types (words, "phrases", -exclusions) and never fails on syntax.
        await using var cmd = new NpgsqlCommand("""
            SELECT code, kind, question, answer, keywords, updated_at,
                   CASE WHEN @q::text IS NULL THEN NULL ELSE ts_rank(search, websearch_to_tsquery('russian', @q)) END AS rank
            FROM knowledge_articles
            WHERE tenant_id = @tenant AND (@kind::text IS NULL OR kind = @kind)
              AND (@q::text IS NULL OR search @@ websearch_to_tsquery('russian', @q))
            ORDER BY rank DESC NULLS LAST, code
            LIMIT @limit
            """, connection);
        cmd.Parameters.AddWithValue("tenant", identity.TenantId);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("q", string.IsNullOrWhiteSpace(q) ? null : q.Trim()));
        cmd.Parameters.Add(new NpgsqlParameter<string?>("kind", kind));
        cmd.Parameters.AddWithValue("limit", limit);
        var list = new List<KnowledgeArticle>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(Read(r, r.IsDBNull(6) ? null : r.GetFloat(6)));
        return TypedResults.Ok(list.ToArray());
    }

    private static async Task<Results<Ok<KnowledgeArticle>, ValidationProblem>> PutAsync(
        string code, KnowledgeRequest request, RequestIdentity identity, NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        var key = code.Trim().ToLowerInvariant();
        var e = new ValidationErrors();
        e.Matches("code", key, Code(), "2 to 64 lower-case letters, digits or dashes, such as policy-replace");
        if (e.Required("kind", request.Kind)) e.OneOf("kind", request.Kind, AppealKinds.Codes);
        if (e.Required("question", request.Question)) e.MaxLength("question", request.Question, 1000);
        if (e.Required("answer", request.Answer)) e.MaxLength("answer", request.Answer, 8000);
        e.MaxLength("keywords", request.Keywords, 1000);
        if (!e.IsValid) return Problems.Validation(e.ToDictionary(), "Nothing was saved; correct the fields named.");
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO knowledge_articles (tenant_id, code, kind, question, answer, keywords, updated_at)
            VALUES (@tenant, @code, @kind, @question, @answer, @keywords, @now)
            ON CONFLICT (tenant_id, code) DO UPDATE SET kind = excluded.kind, question = excluded.question, answer = excluded.answer,
                keywords = excluded.keywords, updated_at = excluded.updated_at
            """, connection);
        cmd.Parameters.AddWithValue("tenant", identity.TenantId);
        cmd.Parameters.AddWithValue("code", key);
        cmd.Parameters.AddWithValue("kind", request.Kind!);
        cmd.Parameters.AddWithValue("question", request.Question!.Trim());
        cmd.Parameters.AddWithValue("answer", request.Answer!.Trim());
        cmd.Parameters.AddWithValue("keywords", request.Keywords?.Trim() ?? "");
        cmd.Parameters.AddWithValue("now", clock.GetUtcNow());
        await cmd.ExecuteNonQueryAsync(ct);
        return TypedResults.Ok((await FindAsync(connection, identity.TenantId, key, ct))!);
    }
}
